package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.code.CodeServer;
import dev.molt.code.ModuleInfo;
import dev.molt.release.ReleaseHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input to a console session: random helper arguments (paths outside anything, pids that
 * overflow, names that do not exist), random completion requests and random text for the line
 * parser. Each gets an answer or a {@link ConsoleSession.ConsoleError}, never anything else, and
 * the node's modules are as they were.
 */
class ConsoleFuzzTest {
  private static Path root;
  private static ConsoleSession session;
  private static List<ModuleInfo> before;

  @BeforeContainer
  static void open() throws IOException {
    root = Files.createTempDirectory("molt-console-fuzz");
    session =
        new ConsoleSession(
            root, new ReleaseCommands(ReleaseHandler.open(root)), new ConcurrentHashMap<>());
    before = CodeServer.allLoaded();
  }

  @AfterContainer
  static void close() {
    session.close();
    assertThat(CodeServer.allLoaded()).isEqualTo(before);
    ConsoleCompiler.deleteTree(root);
  }

  @Provide
  Arbitrary<String> helperLines() {
    Arbitrary<String> word =
        Arbitraries.oneOf(
            Arbitraries.strings().withChars("abc./<>0123456789:-@_").ofMinLength(1).ofMaxLength(40),
            Arbitraries.of(
                "../../../../etc/passwd.java",
                "/etc/shadow.java",
                "<0.99999999999999999999.0>",
                "<0.1.0>",
                "kv",
                "nosuchmodule",
                "/dev/zero.java",
                "-1",
                "<0.-1.0>"));
    return Arbitraries.of(
            "c",
            "l",
            "r",
            "sys suspend",
            "sys resume",
            "sys change_code",
            "sys state",
            "sys status",
            "sys bogus")
        .flatMap(
            helper ->
                word.list()
                    .ofMinSize(1)
                    .ofMaxSize(3)
                    .map(args -> helper + " " + String.join(" ", args)));
  }

  /**
   * Found by the property below in CI: not a helper (l takes one module), so evaluated as Java, on
   * which JShell's analysis threw an InternalError ("Unexpected tree: (ERROR) - (ERROR)").
   */
  @Example
  void javaThatJShellCannotAnalyzeFailsAsACompileError() throws Exception {
    String line = "l <0.99999999999999999999.0> <0.-1.0> :0/@<_4-.b<6";
    assertThatThrownBy(() -> session.line(line))
        .isInstanceOf(ConsoleSession.ConsoleError.class)
        .hasMessageContaining("does not compile: JShell could not analyze l <0.99999");
    assertThat(session.line("1 + 1")).as("the shell goes on").endsWith("2");
  }

  @Property(tries = 150)
  void aHelperWithHostileArgumentsAnswersOrFailsClearly(@ForAll("helperLines") String line)
      throws Exception {
    try {
      assertThat(session.line(line)).isNotNull();
    } catch (ConsoleSession.ConsoleError expected) {
      assertThat(expected.getMessage())
          .as("a reason, not a programming error")
          .isNotBlank()
          .doesNotContain("NullPointerException")
          .doesNotContain("IndexOutOfBounds")
          .doesNotContain("NumberFormatException")
          .doesNotContain("ClassCastException");
    }
  }

  /**
   * What the node printed meanwhile comes first (here the test JVM's own output), then the error.
   */
  @Example
  void cAndRNameWhatTheyCannotUse() throws Exception {
    Path file = Files.createDirectories(root.resolve("src/nowhere")).resolve("Orphan.java");
    Files.writeString(file, "package nowhere;\npublic class Orphan {}\n");
    assertThat(catchConsoleError(() -> session.line("c " + file)))
        .endsWith(
            "c: "
                + file
                + " declares nowhere.Orphan, which no loaded module has (nor any class of its package)");
    assertThat(catchConsoleError(() -> session.line("c relative/Path.java")))
        .endsWith("c: no such file relative/Path.java");
    assertThat(catchConsoleError(() -> session.line("r nosuchmodule")))
        .endsWith("r: no module nosuchmodule is loaded; modules lists them");
  }

  private static String catchConsoleError(java.util.concurrent.Callable<String> line)
      throws Exception {
    try {
      return "no error: " + line.call();
    } catch (ConsoleSession.ConsoleError e) {
      return e.getMessage();
    }
  }

  @Property(tries = 60)
  void completionOfAnyLineAtAnyCursorAnswersOrFailsClearly(
      @ForAll("anyText") String buffer, @ForAll("cursors") int cursor) throws Exception {
    try {
      String reply = session.complete(buffer, cursor);
      assertThat(reply.lines().findFirst().orElseThrow()).matches("\\d+");
    } catch (ConsoleSession.ConsoleError expected) {
      assertThat(cursor < 0 || cursor > buffer.length()).isTrue();
    }
  }

  @Property(tries = 1000)
  void theLineParserTakesAnyText(@ForAll("anyText") String text) {
    Remote.JavaLines.complete(text);
    assertThat(Remote.absolutePaths(text)).isNotNull();
  }

  @Provide
  Arbitrary<String> anyText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(60),
        Arbitraries.strings().withChars("(){}[]\"'/*\\\n abc.;").ofMaxLength(60));
  }

  @Provide
  Arbitrary<Integer> cursors() {
    return Arbitraries.integers().between(-5, 70);
  }
}
