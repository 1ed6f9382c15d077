package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.release.ReleasePackager;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote console as a person uses it: a node in a JVM of its own, and {@code molt remote} in
 * another, typed into through a pipe (JLine's own line discipline reads it, Ctrl-C included). The
 * module is the talk's KV, built into a jar that records where its sources are, as the Maven plugin
 * builds it.
 */
class ConsoleTest {
  private static final String PKG = "test.console.kv";

  @TempDir Path work;

  private Path root;
  private Path source;
  private final List<TypedConsole> consoles = new ArrayList<>();

  private static String classPath() {
    String modulePath = System.getProperty("jdk.module.path", "");
    return modulePath.isBlank()
        ? System.getProperty("java.class.path")
        : modulePath + File.pathSeparator + System.getProperty("java.class.path");
  }

  private static List<String> java(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                classPath()));
    command.addAll(List.of(args));
    return command;
  }

  private String molt(String... args) throws Exception {
    List<String> command = java(Cli.class.getName(), "--root", root.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }

  /** The talk's KV, version 1: no logging. {@code patch} goes into handleCall's get case. */
  private static String kv(String patch, String extra) {
    return """
        package %s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        import java.util.HashMap;
        import java.util.Map;
        public final class KV implements GenServer<KV.State> {
          public record State(Map<String, Object> data) {}
          public record Get(String key) {}
          public record Put(String key, Object value) {}
          public static Object get(String key) { return GenServer.call("kv", new Get(key)); }
          public static Object put(String key, Object value) { return GenServer.call("kv", new Put(key, value)); }
          public Init<State> init(Object arg) { return Init.ok(new State(new HashMap<>())); }
          public CallResult<State> handleCall(Object request, From from, State state) {
            return switch (request) {
              case Get(String key) -> {
                %s
                yield new Reply<>(state.data().get(key), state);
              }
              case Put(String key, Object value) -> {
                state.data().put(key, value);
                yield new Reply<>("ok", state);
              }
              default -> new Reply<>("?", state);
            };
          }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
          %s
        }
        """
        .formatted(PKG, patch, extra);
  }

  private static final String LOGGING =
      "org.slf4j.LoggerFactory.getLogger(KV.class).info(\"get \" + key);";

  @BeforeEach
  void startKvNode() throws Exception {
    root = work.resolve("root");
    Path src = work.resolve("src");
    source = src.resolve(PKG.replace('.', '/')).resolve("KV.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, kv("", ""));
    Files.writeString(
        source.resolveSibling("App.java"),
        """
        package %s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        public final class App implements ApplicationCallback {
          public Pid start(Restart type, java.util.Map<String, Object> env) {
            return Supervisor.startLink(SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE,
                ChildSpec.worker("kv", args -> GenServer.startLink("kv", CodeServer.newInstance(
                    CodeServer.currentClass("%s.KV").orElseThrow(), GenServer.class), null)).withModules("kv")));
          }
        }
        """
            .formatted(PKG, PKG));
    Path classes = compile(work.resolve("classes"));
    String descriptor =
        """
        release kv 1.0.0 {
          java 25
          application kv 1.0.0 {
            start %s.App
            module kv kv.jar
          }
        }
        """
            .formatted(PKG);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("releases/1.0.0/kv.release", descriptor.getBytes(StandardCharsets.UTF_8));
    files.put(
        "lib/kv-1.0.0/kv.jar",
        Files.readAllBytes(ReleasePackager.jar(classes, work.resolve("kv.jar"), List.of(src))));
    Path tarball = ReleasePackager.tarball(work.resolve("kv-1.0.0.tar.gz"), "1.0.0", files);
    molt("unpack", tarball.toString());
  }

  private Path compile(Path out) throws IOException {
    Files.createDirectories(out);
    int rc =
        javax.tools.ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-d",
                out.toString(),
                "-cp",
                classPath(),
                source.toString(),
                source.resolveSibling("App.java").toString());
    assertThat(rc).isZero();
    return out;
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (TypedConsole console : consoles) {
      console.process.destroyForcibly();
    }
    if (root != null && Files.exists(Node.pidFile(root))) {
      long pid = Long.parseLong(Files.readString(Node.pidFile(root)).strip());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * {@code molt remote} in a JVM of its own, typed into through a pipe; killed after the test if
   * still running.
   */
  private TypedConsole console(List<String> jvmOptions, String... options) throws IOException {
    List<String> command = java(Cli.class.getName(), "--root", root.toString());
    command.addAll(1, jvmOptions);
    command.addAll(List.of(options));
    command.addAll(List.of("remote", "--history", work.resolve("history").toString()));
    TypedConsole console = new TypedConsole(command);
    consoles.add(console);
    return console;
  }

  private TypedConsole console(String... options) throws IOException {
    return console(List.of(), options);
  }

  @Test
  void theTalksSessionWithR() throws Exception {
    molt("start");
    TypedConsole console = console();
    assertThat(console.prompt()).contains("Molt console on release kv 1.0.0").contains("kv@1");
    assertThat(console.type("KV.put(\"a\", 42)")).contains("\"ok\"");
    Files.writeString(
        source, kv(LOGGING, "public static String version() { return \"patched\"; }"));

    String reloaded = console.type("r kv");
    assertThat(reloaded).contains("reloaded [kv@2]").contains("processes migrated 1, failed 0");
    String got = console.type("KV.get(\"a\")");
    assertThat(got).contains("42").contains("get a");
    assertThat(got.indexOf("get a"))
        .as("the log line, then the result")
        .isLessThan(got.lastIndexOf("42"));
    assertThat(console.type("KV.version()"))
        .as("new snippets see the new version")
        .contains("\"patched\"");
    assertThat(console.type("modules")).contains("kv").contains("2");

    console.typeUnfinished("KV.get(");
    assertThat(console.type("\"a\")"))
        .as("one evaluation of both lines")
        .contains("...> ")
        .contains("42")
        .doesNotContain("does not compile");
    console.typeKeys("KV.get(\"never sent");
    console.press(3);
    console.typeUnfinished("\"dropped\".length()");
    assertThat(console.until("7"))
        .as("Ctrl-C dropped the line being typed")
        .doesNotContain("does not compile")
        .doesNotContain("...> ");

    assertThat(console.leave()).isZero();
    assertThat(console.screen()).contains("the node keeps running");
    assertThat(Files.readString(work.resolve("history")))
        .as("history kept")
        .contains("KV.put(\"a\", 42)")
        .contains("r kv");
    assertThat(molt("ping")).isEqualTo("pong");
    assertThat(molt("eval", "KV.get(\"a\")")).isEqualTo("42");
  }

  @Test
  void cCompilesAFileAndLLoadsAnExternalBuild() throws Exception {
    molt("start");
    TypedConsole console = console();
    console.prompt();
    console.type("KV.put(\"a\", 42)");

    // an external build of the module's jar, then l
    Files.writeString(source, kv("System.out.println(\"external build\");", ""));
    Path classes = compile(work.resolve("classes-external"));
    ReleasePackager.jar(classes, root.resolve("lib/kv-1.0.0/kv.jar"));
    assertThat(console.type("l kv"))
        .contains("reloaded [kv@2]")
        .contains("processes migrated 1, failed 0");
    assertThat(console.type("KV.get(\"a\")")).contains("42");

    // a patched file, then c
    Files.writeString(source, kv(LOGGING, ""));
    String compiled = console.type("c " + source);
    assertThat(compiled)
        .contains("compiled 1 file(s) of kv")
        .contains("reloaded [kv@3]")
        .contains("processes migrated 1, failed 0");
    assertThat(console.type("KV.get(\"a\")")).contains("42").contains("get a");
    assertThat(console.type("sys status kv")).contains("running").contains("kv@3").contains("a=42");
    assertThat(console.type("sys suspend kv")).contains("suspended <0.");
    assertThat(console.type("sys status kv")).contains("suspended");
    assertThat(console.type("sys change_code kv")).contains("now runs kv@3");
    assertThat(console.type("sys resume kv")).contains("resumed <0.");
    assertThat(console.type("sys state kv")).contains("a=42");
    assertThat(console.type("sys stop kv"))
        .contains("sys: suspend, resume, change_code, state or status, not stop");
    assertThat(console.type("sys status nobody")).contains("sys: no process nobody");
    assertThat(console.leave()).isZero();
  }

  @Test
  void aCompileErrorInRLeavesTheOldCodeRunning() throws Exception {
    molt("start");
    TypedConsole console = console();
    console.prompt();
    console.type("KV.put(\"a\", 42)");
    Files.writeString(source, kv("int broken = \"not a number\";", ""));

    String failed = console.type("r kv");
    int line =
        kv("int broken = \"not a number\";", "")
                .lines()
                .toList()
                .indexOf(
                    kv("int broken = \"not a number\";", "")
                        .lines()
                        .filter(l -> l.contains("broken"))
                        .findFirst()
                        .orElseThrow())
            + 1;
    assertThat(failed)
        .contains(source + ":" + line + ":")
        .contains("int broken = \"not a number\";")
        .contains("^")
        .contains("nothing was loaded");
    assertThat(console.type("KV.get(\"a\")")).contains("42").doesNotContain("get a");
    assertThat(console.type("CodeServer.which(\"kv\").get().version()")).contains("1");
    assertThat(console.type("1 + 1")).as("still usable").contains("2");
    assertThat(console.leave()).isZero();
  }

  @Test
  void ctrlCStopsAnEndlessLoopAndTheNodeGoesOn() throws Exception {
    molt("start");
    TypedConsole console = console();
    console.prompt();
    console.type("KV.put(\"a\", 42)");
    console.typeUnfinished(
        "System.getProperties().put(\"console.looping\", true); long spins = 0; while (true) { spins++; }");
    // the loop runs once the node says so, asked on another connection: this is what Ctrl-C has to
    // stop
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> molt("eval", "System.getProperties().get(\"console.looping\")").equals("true"));
    console.press(3);
    assertThat(console.prompt()).contains("interrupted");
    assertThat(console.type("spins > 0")).contains("true");
    assertThat(console.type("KV.get(\"a\")")).contains("42");
    assertThat(console.type("Integer.parseInt(\"x\")"))
        .contains("java.lang.NumberFormatException")
        .contains("\tat ");
    assertThat(console.type("var y = 5")).contains("y ==> 5");
    assertThat(console.type("y * 2")).contains("10");
    assertThat(console.leave()).isZero();
    assertThat(molt("eval", "KV.get(\"a\")")).isEqualTo("42");
  }

  @Test
  void twoConsolesAtOnceAreIndependentAndLeavingStopsNothing() throws Exception {
    molt("start");
    TypedConsole first = console();
    TypedConsole second = console();
    first.prompt();
    second.prompt();
    assertThat(first.type("var x = 1")).contains("x ==> 1");
    assertThat(second.type("x")).contains("does not compile");
    assertThat(first.type("x + 1")).contains("2");
    assertThat(first.type("System.out.println(\"only mine\")")).contains("only mine");
    assertThat(second.type(""))
        .as("what an evaluation prints goes to its console only")
        .doesNotContain("only mine");
    assertThat(first.type("help"))
        .contains("c <File.java>")
        .contains("sys suspend|resume|change_code|state|status");
    assertThat(first.type("releases")).contains("kv 1.0.0 permanent");
    assertThat(first.type("leaks")).contains("no leaks");
    assertThat(second.type("KV.put(\"b\", 7)")).contains("\"ok\"");
    assertThat(first.leave()).isZero();
    assertThat(second.type("KV.get(\"b\")")).contains("7");
    assertThat(second.type("processes")).contains("kv").contains("processes");
    assertThat(second.leave()).isZero();
    assertThat(molt("ping")).isEqualTo("pong");
  }

  @Test
  void aWrongCookieGetsNoPromptAndNoEvaluation() throws Exception {
    molt("start", "--listen-tcp", "0");
    int port = Integer.parseInt(Files.readString(root.resolve("tmp/control.port")).strip());
    Path wrong = work.resolve("wrong-cookie");
    Files.writeString(wrong, "0".repeat(64));
    TypedConsole console =
        console("--tcp-port", Integer.toString(port), "--cookie-file", wrong.toString());
    assertThat(console.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(console.process.exitValue()).isNotZero();
    assertThat(console.screen()).contains("not authorized").doesNotContain("molt> ");

    // and the session commands without a console, or with a wrong cookie, over a raw connection
    try (ControlClient client = ControlClient.tcp(port, "0".repeat(64))) {
      assertThat(client.call("console-line", "System.exit(1)").text()).isEqualTo("not authorized");
    }
    try (ControlClient client = ControlClient.unix(root)) {
      assertThat(client.call("console-line", "System.exit(1)"))
          .satisfies(
              reply -> {
                assertThat(reply.ok()).isFalse();
                assertThat(reply.text()).contains("open a console on this connection first");
              });
      assertThat(client.call("console-interrupt", "not-a-session").ok()).isFalse();
    }
    assertThat(molt("ping")).isEqualTo("pong");
  }

  @Test
  void tabCompletesJavaAndHelpersThroughTheTerminal() throws Exception {
    molt("start");
    // an ANSI terminal type: JLine completes only on a terminal that can redraw the line
    TypedConsole console = console(List.of("-Dmolt.term=ansi"));
    console.prompt();
    console.type("KV.put(\"a\", 42)");
    console.typeKeys("KV.ge\t");
    await().atMost(Duration.ofSeconds(30)).until(() -> console.screen().contains("KV.get("));
    assertThat(console.type("\"a\")")).contains("42");
    console.typeKeys("modu\t");
    await().atMost(Duration.ofSeconds(30)).until(() -> console.screen().contains("modules"));
    assertThat(console.type("")).contains("current").contains("kv");
    assertThat(console.leave()).isZero();
  }

  @Test
  void completionComesFromTheNode() throws Exception {
    molt("start");
    try (ControlClient client = ControlClient.unix(root)) {
      assertThat(client.call("console").ok()).isTrue();
      assertThat(client.call("console-complete", "KV.g", "4").text().lines())
          .startsWith("0")
          .contains("KV.get(");
      assertThat(client.call("console-complete", "mod", "3").text().lines())
          .containsExactly("0", "modules");
      assertThat(client.call("console-complete", "r k", "3").text().lines())
          .containsExactly("2", "kv");
      assertThat(client.call("console-complete", "sys status k", "12").text().lines())
          .containsExactly("11", "kv");
      assertThat(client.call("console-complete", "x", "9").ok())
          .as("a cursor outside the line")
          .isFalse();
    }
  }
}
