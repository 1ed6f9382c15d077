package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.release.AppupInstruction.AddModule;
import dev.molt.release.AppupInstruction.DeleteModule;
import dev.molt.release.AppupInstruction.LoadModule;
import dev.molt.release.AppupInstruction.Update;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The appup generator on two real builds of a module, compiled here. */
class AppupGeneratorTest {
  private static final AtomicInteger BUILDS = new AtomicInteger();

  @TempDir Path work;

  private static String server(String state, String reply, String extra) {
    return """
        package gen.app;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        public final class Server implements GenServer<Server.State> {
          %s
          public Init<State> init(Object arg) { return Init.ok(null); }
          public CallResult<State> handleCall(Object request, From from, State state) { return new Reply<>("%s", state); }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
          %s
        }
        """
        .formatted(state, reply, extra);
  }

  /**
   * Compiles {@code sources} (simple class name to source, package gen.app) into class name →
   * bytes.
   */
  private Map<String, byte[]> build(Map<String, String> sources) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    sources.forEach((name, text) -> files.put("gen/app/" + name + ".java", text));
    Path dir = work.resolve("build-" + BUILDS.incrementAndGet());
    return TestCompiler.classes(TestCompiler.compile(dir, files));
  }

  private AppupGenerator.Result compare(Map<String, String> before, Map<String, String> after)
      throws IOException {
    return AppupGenerator.generate(
        "app", "1.0.0", Map.of("app", build(before)), "1.1.0", Map.of("app", build(after)));
  }

  private static List<AppupInstruction> up(AppupGenerator.Result result) {
    return result.appup().upFrom("1.0.0").orElseThrow().instructions();
  }

  @Test
  void anUnchangedModuleGetsNoInstruction() throws IOException {
    Map<String, String> same = Map.of("Server", server("public record State(int n) {}", "v1", ""));
    AppupGenerator.Result result = compare(same, same);
    assertThat(up(result)).isEmpty();
    assertThat(result.notes()).isEmpty();
  }

  @Test
  void aCodeOnlyChangeIsALoadModule() throws IOException {
    AppupGenerator.Result result =
        compare(
            Map.of("Server", server("public record State(int n) {}", "v1", "")),
            Map.of("Server", server("public record State(int n) {}", "v2", "")));
    assertThat(up(result)).containsExactly(new LoadModule("app"));
    assertThat(result.appup().downTo("1.0.0").orElseThrow().instructions())
        .containsExactly(new LoadModule("app"));
    assertThat(result.notes()).isEmpty();
    assertThat(Appup.parse("generated", result.appup().write())).isEqualTo(result.appup());
  }

  @Test
  void aLibraryThatChangesIsLoadedWhateverItsClassesDo() throws IOException {
    // a change that would make the application's own module an update with a note
    Map<String, byte[]> before =
        build(Map.of("Server", server("public record State(int n, String gone) {}", "v1", "")));
    Map<String, byte[]> after =
        build(Map.of("Server", server("public record State(int n) {}", "v2", "")));
    Map<String, byte[]> app =
        build(Map.of("Server", server("public record State(int n) {}", "v1", "")));

    AppupGenerator.Result result =
        AppupGenerator.generate(
            "app",
            Map.of("1.0.0", Map.of("app", app, "textlib", before)),
            "1.1.0",
            Map.of("app", app, "textlib", after),
            java.util.Set.of("textlib"));

    assertThat(up(result)).containsExactly(new LoadModule("textlib"));
    assertThat(result.appup().downTo("1.0.0").orElseThrow().instructions())
        .containsExactly(new LoadModule("textlib"));
    assertThat(result.notes()).as("a library's classes are not judged as a server's").isEmpty();
    assertThat(result.remarks())
        .singleElement()
        .asString()
        .contains("library textlib changed", "relinked");
  }

  @Test
  void aStateRecordThatChangesShapeIsAnUpdate() throws IOException {
    AppupGenerator.Result result =
        compare(
            Map.of("Server", server("public record State(int n) {}", "v1", "")),
            Map.of(
                "Server",
                server("public record State(int n, @Default(\"0\") long calls) {}", "v2", "")));
    assertThat(up(result))
        .singleElement()
        .isInstanceOfSatisfying(Update.class, u -> assertThat(u.module()).isEqualTo("app"));
    assertThat(result.notes()).as("the new component has a default").isEmpty();
  }

  @Test
  void whatAPersonMustFinishIsSaid() throws IOException {
    AppupGenerator.Result noDefault =
        compare(
            Map.of("Server", server("public record State(int n, String gone) {}", "v1", "")),
            Map.of("Server", server("public record State(long n, long calls) {}", "v2", "")));
    assertThat(noDefault.notes())
        .containsExactly(
            "module app: Server.state.n: record gen.app.Server$State changes component n from int to long, which does not admit "
                + "every old value: convert it in codeChange (Migration.component(oldState, \"n\") reads the old value)",
            "module app: Server.state: record gen.app.Server$State gains component calls with no @Default: declare one, "
                + "@Renamed if it was renamed, or build the state in codeChange",
            "module app: Server.state: record gen.app.Server$State drops [gone] while it gains [calls]: if one was renamed, "
                + "declare @Renamed(\"old name\") on the new component; as it is, the old values are lost");

    AppupGenerator.Result handled =
        compare(
            Map.of("Server", server("public record State(int n) {}", "v1", "")),
            Map.of(
                "Server",
                server(
                    "public record State(long n, long calls) {}",
                    "v2",
                    "public State codeChange(Object oldVsn, Object old, Object extra) { return new State(0, 0); }")));
    assertThat(handled.notes()).as("codeChange takes care of it").isEmpty();
    assertThat(handled.remarks())
        .as("what codeChange must take care of")
        .allMatch(
            remark -> remark.endsWith("(the module overrides codeChange: check that it does)"))
        .hasSize(2);
  }

  @Test
  void anEnumThatLosesAConstantIsAnUpdateAndSaidSo() throws IOException {
    String server = server("public record State(Mode mode) {}", "v1", "");
    AppupGenerator.Result result =
        compare(
            Map.of("Server", server, "Mode", "package gen.app; public enum Mode { ON, OFF, AUTO }"),
            Map.of("Server", server, "Mode", "package gen.app; public enum Mode { ON, OFF }"));
    assertThat(up(result)).singleElement().isInstanceOf(Update.class);
    assertThat(result.notes())
        .containsExactly(
            "module app: Server.state.mode: enum gen.app.Mode loses constant AUTO: a value holding it cannot be "
                + "migrated; map it to another constant in codeChange");
  }

  @Test
  void addedAndRemovedModules() throws IOException {
    Map<String, byte[]> classes =
        build(Map.of("Server", server("public record State(int n) {}", "v1", "")));
    AppupGenerator.Result result =
        AppupGenerator.generate(
            "app",
            "1.0.0",
            Map.of("old", classes, "kept", classes),
            "1.1.0",
            Map.of("kept", classes, "fresh", classes));
    assertThat(up(result)).containsExactly(new AddModule("fresh"), new DeleteModule("old"));
    assertThat(result.appup().downTo("1.0.0").orElseThrow().instructions())
        .containsExactly(new DeleteModule("fresh"), new AddModule("old"));
  }

  @Test
  void fromJarsOfTwoEarlierVersionsWithTheNotesAtTheTopOfTheFile() throws IOException {
    Path classes = work.resolve("jar-classes");
    Map<String, byte[]> v1 =
        build(Map.of("Server", server("public record State(int n) {}", "v1", "")));
    Map<String, byte[]> v2 =
        build(Map.of("Server", server("public record State(int n, long calls) {}", "v2", "")));
    for (Map.Entry<String, byte[]> c : v2.entrySet()) {
      Path file = classes.resolve(c.getKey().replace('.', '/') + ".class");
      Files.createDirectories(file.getParent());
      Files.write(file, c.getValue());
    }
    byte[] jar = Files.readAllBytes(ReleasePackager.jar(classes, work.resolve("app.jar")));
    assertThat(AppupGenerator.classesOf(jar).keySet())
        .containsExactlyInAnyOrderElementsOf(v2.keySet());

    Map<String, Map<String, Map<String, byte[]>>> olds = new LinkedHashMap<>();
    olds.put("1.0.0", Map.of("app", v1));
    olds.put("1.0.1", Map.of("app", v1));
    AppupGenerator.Result result =
        AppupGenerator.generate("app", olds, "1.1.0", Map.of("app", AppupGenerator.classesOf(jar)));
    assertThat(result.appup().up())
        .extracting(Appup.Transition::version)
        .containsExactly("1.0.0", "1.0.1");
    assertThat(result.notes())
        .hasSize(2)
        .allMatch(n -> n.contains("gains component calls with no @Default"));
    String text = result.text("generated for a test");
    assertThat(text)
        .startsWith(
            "# generated for a test\n# TO FINISH: from 1.0.0: module app: Server.state: record gen.app.Server$State gains");
    assertThat(Appup.parse("app.appup", text)).isEqualTo(result.appup());
  }

  @Test
  void aCorruptClassFileIsAClearError() throws IOException {
    Map<String, byte[]> good =
        build(Map.of("Server", server("public record State(int n) {}", "v1", "")));
    Map<String, byte[]> corrupt = new LinkedHashMap<>(good);
    byte[] bytes = good.get("gen.app.Server");
    corrupt.put("gen.app.Server", java.util.Arrays.copyOf(bytes, bytes.length / 3));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                AppupGenerator.generate(
                    "app", "1.0.0", Map.of("app", good), "1.1.0", Map.of("app", corrupt)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("module app: class gen.app.Server cannot be read: ");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> AppupGenerator.classesOf(new byte[] {1, 2, 3}))
        .isInstanceOf(IOException.class);
  }
}
