package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.release.AppupInstruction.Purge;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatsTest {
  static final String RELEASE =
      """
      # kv 1.1.0, as the Maven plugin writes it
      release kv 1.1.0 {
        java 25
        application store 2.0.0 {
          start dev.example.StoreApp
          module store store-2.0.0.jar
        }
        application kv 1.1.0 {   # the talk's server
          start dev.molt.examples.kv.KvApplication
          module kv kv-1.1.0.jar
          depends store
          config greeting="hello world" port=4040 verbose=true quoted="42" names=[a, "b c"]
        }
        upgrade_from 1.0.0 0.9.0
      }
      """;

  static final String APPUP =
      """
      appup kv 1.1.0 {
        up 1.0.0 {
          update kv extra="add request counter" timeout=2s pre_purge=soft depends=[store]
          load_module helpers
          add_module metrics
          delete_module legacy
          supervisor kv_sup start=[cache] stop=[old]
          apply dev.example.Migrate run args=["a", "b \\"quoted\\""]
          config kv
        }
        down 1.0.0 {
          update kv extra="drop request counter" timeout=infinity
          restart_application kv; add_application extra; remove_application gone
        }
      }
      """;

  @Test
  void aReleaseDescriptorReadsAndWritesBackEqual() {
    ReleaseDescriptor release = ReleaseDescriptor.parse("kv.release", RELEASE);
    assertThat(release.name()).isEqualTo("kv");
    assertThat(release.version()).isEqualTo("1.1.0");
    assertThat(release.javaVersion()).isEqualTo(25);
    assertThat(release.upgradeFrom()).containsExactly("1.0.0", "0.9.0");
    ReleaseDescriptor.Application kv = release.application("kv").orElseThrow();
    assertThat(kv.start()).isEqualTo("dev.molt.examples.kv.KvApplication");
    assertThat(kv.modules()).containsExactly(new ReleaseDescriptor.Module("kv", "kv-1.1.0.jar"));
    ReleaseDescriptor withLibrary =
        ReleaseDescriptor.parse(
            "kv.release",
            RELEASE.replace(
                "module kv kv-1.1.0.jar",
                "module kv kv-1.1.0.jar\n    module gson gson-2.11.0.jar library=2.11.0"));
    assertThat(withLibrary.application("kv").orElseThrow().modules())
        .containsExactly(
            new ReleaseDescriptor.Module("kv", "kv-1.1.0.jar"),
            new ReleaseDescriptor.Module("gson", "gson-2.11.0.jar", "2.11.0"));
    assertThat(ReleaseDescriptor.parse("written", withLibrary.write())).isEqualTo(withLibrary);
    assertThat(kv.depends()).containsExactly("store");
    assertThat(kv.dir()).isEqualTo("lib/kv-1.1.0");
    assertThat(kv.config())
        .containsExactly(
            Map.entry("greeting", "hello world"),
            Map.entry("port", 4040L),
            Map.entry("verbose", true),
            Map.entry("quoted", "42"),
            Map.entry("names", List.of("a", "b c")));
    assertThat(release.startOrder())
        .extracting(ReleaseDescriptor.Application::name)
        .containsExactly("store", "kv");
    assertThat(ReleaseDescriptor.parse("again", release.write())).isEqualTo(release);
  }

  @Test
  void anAppupReadsEveryInstructionAndWritesBackEqual() {
    Appup appup = Appup.parse("kv.appup", APPUP);
    assertThat(appup.application()).isEqualTo("kv");
    List<AppupInstruction> up = appup.upFrom("1.0.0").orElseThrow().instructions();
    assertThat(up)
        .containsExactly(
            new AppupInstruction.Update(
                "kv",
                "add request counter",
                Duration.ofSeconds(2),
                Purge.SOFT,
                Purge.BRUTAL,
                List.of("store")),
            new AppupInstruction.LoadModule("helpers"),
            new AppupInstruction.AddModule("metrics"),
            new AppupInstruction.DeleteModule("legacy"),
            new AppupInstruction.UpdateSupervisor("kv_sup", List.of("cache"), List.of("old")),
            new AppupInstruction.Apply("dev.example.Migrate", "run", List.of("a", "b \"quoted\"")),
            new AppupInstruction.ConfigChange("kv"));
    assertThat(appup.downTo("1.0.0").orElseThrow().instructions())
        .containsExactly(
            new AppupInstruction.Update(
                "kv", "drop request counter", null, Purge.BRUTAL, Purge.BRUTAL, List.of()),
            new AppupInstruction.RestartApplication("kv"),
            new AppupInstruction.AddApplication("extra"),
            new AppupInstruction.RemoveApplication("gone"));
    assertThat(appup.upFrom("0.1.0")).isEmpty();
    assertThat(Appup.parse("again", appup.write())).isEqualTo(appup);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      textBlock =
          """
      empty file                 | ''                                                     | 1 | 1  | file is empty
      wrong root                 | 'appup kv 1 {}'                                        | 1 | 1  | expected release <name> <version>
      no block                   | 'release kv 1.0.0'                                     | 1 | 1  | needs a { ... } block
      unclosed block             | 'release kv 1.0.0 {\\n  java 25\\n'                     | 3 | 1  | is not closed (a } is missing)
      unclosed string            | 'release kv 1.0.0 {\\n  java "25\\n}'                   | 2 | 8  | string is not closed
      bad escape                 | 'release kv 1.0.0 {\\n  x "a\\q"\\n}'                    | 2 | 7  | unknown escape \\q
      missing java               | 'release kv 1.0.0 {\\n}'                                | 1 | 1  | does not say which Java
      old java                   | 'release kv 1.0.0 {\\n  java 17\\n}'                    | 2 | 8  | needs Java 25 or newer
      unknown statement          | 'release kv 1.0.0 {\\n  java 25\\n  jav 25\\n}'         | 3 | 3  | unknown statement 'jav'
      twice                      | 'release kv 1.0.0 {\\n  java 25\\n  java 26\\n}'        | 3 | 3  | 'java' is given twice (first at line 2)
      bad version                | 'release kv 1..0/x {\\n}'                               | 1 | 12 | is not a valid version
      stray equals               | 'release kv 1.0.0 {\\n  java = 25\\n}'                  | 2 | 8  | '=' needs an option name
      option twice               | 'release kv 1.0.0 {\\n  x a=1 a=2\\n}'                  | 2 | 9  | option 'a' is given twice
      argument after option      | 'release kv 1.0.0 {\\n  x a=1 b\\n}'                    | 2 | 9  | plain arguments come before
      unclosed list              | 'release kv 1.0.0 {\\n  x a=[1, 2\\n}'                  | 2 | 12 | expected ',' or ']'
      control character          | 'release kv 1.0.0 {\\n  java \\u0001\\n}'               | 2 | 8  | character U+0001 is not allowed
      second root                | 'release kv 1.0.0 {\\n  java 25\\n}\\nrelease b 1 {}'   | 4 | 1  | only one 'release' per file
      """)
  void aBrokenDescriptorFailsAtItsLineAndColumn(
      String what, String text, int line, int column, String reason) {
    String decoded = text.replace("\\n", "\n").replace("\\u0001", "\u0001");
    assertThatThrownBy(() -> ReleaseDescriptor.parse("kv.release", decoded))
        .isInstanceOfSatisfying(
            FormatException.class,
            e -> {
              assertThat(e.file()).isEqualTo("kv.release");
              assertThat(e.line()).as("line").isEqualTo(line);
              assertThat(e.column()).as("column").isEqualTo(column);
              assertThat(e.getMessage())
                  .startsWith("kv.release:" + line + ":" + column + ": ")
                  .contains(reason);
            });
  }

  @Test
  void descriptorRulesAreCheckedWithThePlaceOfTheMistake() {
    assertError(
        RELEASE.replace("module kv kv-1.1.0.jar", "module gson gson.jar library=[2, 3]"),
        10,
        26,
        "takes one value, not a list");
    assertError(
        RELEASE.replace("module kv kv-1.1.0.jar", "module gson gson.jar library=2/3"),
        10,
        34,
        "is not a valid version");
    assertError(
        RELEASE.replace("depends store", "depends nowhere"),
        8,
        3,
        "depends on nowhere, which is not in the release");
    assertError(
        RELEASE.replace("module kv kv-1.1.0.jar", "module store kv.jar"),
        10,
        12,
        "module store is already listed at line 6");
    assertError(
        RELEASE.replace("kv-1.1.0.jar", "../../etc/passwd"),
        10,
        15,
        "must be a relative path inside");
    assertError(
        RELEASE.replace("kv-1.1.0.jar", "/etc/passwd"), 10, 15, "must be a relative path inside");
    assertError(
        RELEASE.replace("start dev.molt.examples.kv.KvApplication", "start 9lives"),
        9,
        11,
        "is not a class name");
    assertError(
        RELEASE.replace("upgrade_from 1.0.0 0.9.0", "upgrade_from 1.1.0"),
        14,
        16,
        "cannot be upgraded from itself");
    assertError(
        RELEASE.replace(
            "module store store-2.0.0.jar", "module store store-2.0.0.jar\n    depends kv"),
        4,
        3,
        "applications depend on each other in a cycle: store -> kv -> store");
  }

  @Test
  void appupRulesAreCheckedWithThePlaceOfTheMistake() {
    assertAppupError(
        APPUP.replace("timeout=2s", "timeout=soon"), 3, 51, "'soon' is not a duration");
    assertAppupError(
        APPUP.replace("pre_purge=soft", "pre_purge=gentle"),
        3,
        64,
        "option 'pre_purge' is one of soft, brutal");
    assertAppupError(
        APPUP.replace("load_module helpers", "load_modul helpers"),
        4,
        5,
        "unknown appup instruction 'load_modul'");
    assertAppupError(
        APPUP.replace("load_module helpers", "load_module helpers again"),
        4,
        25,
        "'load_module' takes 1 argument");
    assertAppupError(
        APPUP.replace("update kv extra", "update kv colour=red extra"),
        3,
        15,
        "'update' has no option 'colour'");
    assertAppupError(
        APPUP.replace("down 1.0.0", "up 1.0.0"),
        11,
        6,
        "'up 1.0.0' is given twice (first at line 2)");
    assertAppupError(APPUP.replace("up 1.0.0", "up 1.1.0"), 2, 6, "cannot move from 1.1.0 itself");
    assertAppupError(
        APPUP.replace("start=[cache] stop=[old]", "start=[cache] stop=[cache]"),
        7,
        37,
        "child cache is both started and stopped");
  }

  private static void assertError(String text, int line, int column, String reason) {
    assertThatThrownBy(() -> ReleaseDescriptor.parse("kv.release", text))
        .isInstanceOfSatisfying(
            FormatException.class,
            e -> {
              assertThat(e.reason()).contains(reason);
              assertThat(e.line() + ":" + e.column())
                  .as(e.getMessage())
                  .isEqualTo(line + ":" + column);
            });
  }

  private static void assertAppupError(String text, int line, int column, String reason) {
    assertThatThrownBy(() -> Appup.parse("kv.appup", text))
        .isInstanceOfSatisfying(
            FormatException.class,
            e -> {
              assertThat(e.reason()).contains(reason);
              assertThat(e.line() + ":" + e.column())
                  .as(e.getMessage())
                  .isEqualTo(line + ":" + column);
            });
  }

  @Test
  void theErrorShowsTheLineWithACaretUnderTheColumn() {
    assertThatThrownBy(
            () -> ReleaseDescriptor.parse("kv.release", "release kv 1.0.0 {\n  java nineteen\n}"))
        .hasMessage(
            "kv.release:2:8: 'nineteen' is not a Java feature version (like 25)\n    java nineteen\n         ^");
  }

  @Test
  void aReleaseConfigOverridesTheDescriptorsDefaults() {
    ReleaseDescriptor release = ReleaseDescriptor.parse("kv.release", RELEASE);
    ReleaseConfig config =
        ReleaseConfig.parse(
            "kv.config",
            """
        # edited by an operator
        config kv port=5050 greeting="bonjour"
        config store cache=[a, b]
        """);
    assertThat(config.effective(release.application("kv").orElseThrow()))
        .containsEntry("port", 5050L)
        .containsEntry("greeting", "bonjour")
        .containsEntry("verbose", true);
    assertThat(config.effective(release.application("store").orElseThrow()))
        .containsExactly(Map.entry("cache", List.of("a", "b")));
    assertThat(ReleaseConfig.parse("again", config.write("a comment"))).isEqualTo(config);
    assertThat(
            ReleaseConfig.parse("defaults", ReleaseConfig.defaults(release).write("defaults"))
                .effective(release.application("kv").orElseThrow()))
        .isEqualTo(release.application("kv").orElseThrow().config());
    assertThatThrownBy(() -> ReleaseConfig.parse("kv.config", "config kv a=1\nconfig kv a=2\n"))
        .hasMessageStartingWith("kv.config:2:11: config key 'a' is given twice");
    assertThatThrownBy(() -> ReleaseConfig.parse("kv.config", "setting kv a=1\n"))
        .hasMessageStartingWith("kv.config:1:1: unknown statement 'setting'");
  }

  @Test
  void unicodeBlanksSeparateWordsLikeSpaces() {
    // U+2028 once made the lexer loop forever (found by FormatFuzzTest)
    assertThatThrownBy(
            () -> ReleaseDescriptor.parse("x", "release\u2028kv 1.0.0 {\n java\u2029 25\n}"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("release kv has no application");
  }

  @Test
  void hostileInputIsBounded() {
    String deep = "release kv 1 " + "{ x ".repeat(40) + "}".repeat(40);
    assertThatThrownBy(() -> ReleaseDescriptor.parse("deep", deep))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("blocks nest deeper than 16");
    String huge = "#".repeat(Syntax.MAX_CHARS + 1);
    assertThatThrownBy(() -> ReleaseDescriptor.parse("huge", huge))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("larger than");
  }
}
