package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.molt.release.Appup;
import dev.molt.release.ReleaseDescriptor;
import dev.molt.release.ReleasePackager;
import dev.molt.release.RelupGenerator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in a JVM of its own, driven by the {@code molt} command line in JVMs of their own, as
 * {@code bin/<name>} does: start, ping, status, eval, upgrade, failures, kill -9 in the middle of
 * an install, and stop.
 */
class NodeProcessTest {
  @TempDir Path work;

  private Path root;

  record Run(int code, String out) {
    /** The command's result: its last line (an upgrade shows its phases before it). */
    String result() {
      return out.substring(out.lastIndexOf('\n') + 1);
    }
  }

  /** MOLT_JVM_OPTIONS for the commands, null for none. */
  private String jvmOptions;

  /** Class files the next {@link #release} puts in its module jar besides its own. */
  private Map<String, byte[]> extraClassFiles = Map.of();

  private static String classPath() {
    String modulePath = System.getProperty("jdk.module.path", "");
    return modulePath.isBlank()
        ? System.getProperty("java.class.path")
        : modulePath + File.pathSeparator + System.getProperty("java.class.path");
  }

  /** The command line's process for {@code args}, its output and errors in one stream. */
  private ProcessBuilder commandLine(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath(),
                Cli.class.getName(),
                "--root",
                root.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (jvmOptions != null) {
      builder.environment().put("MOLT_JVM_OPTIONS", jvmOptions);
    }
    return builder;
  }

  private Run molt(String... args) throws Exception {
    Process process = commandLine(args).start();
    String out =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out);
  }

  /** A counter application: a GenServer registered as "counter" that answers "vN:count". */
  private Path release(String version, String from, String tag, String extraCode)
      throws IOException {
    String pkg = "test.node.counter";
    Path src = work.resolve("src-" + version).resolve(pkg.replace('.', '/'));
    Files.createDirectories(src);
    Files.writeString(
        src.resolve("Counter.java"),
        """
        package %s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        public final class Counter implements GenServer<Counter.State> {
          public record State(long count) {}
          public Init<State> init(Object arg) { return Init.ok(new State(0)); }
          public CallResult<State> handleCall(Object request, From from, State state) throws Exception {
            if ("block".equals(request)) {
              org.slf4j.LoggerFactory.getLogger("counter").info("counter blocked");
              new java.util.concurrent.CountDownLatch(1).await();  // until the test kills the node
            }
            State next = new State(state.count() + 1);
            return new Reply<>("%s:" + next.count(), next);
          }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
          %s
        }
        """
            .formatted(pkg, tag, extraCode));
    Files.writeString(
        src.resolve("App.java"),
        """
        package %s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        public final class App implements ApplicationCallback {
          public Pid start(Restart type, java.util.Map<String, Object> env) {
            return Supervisor.startLink(SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE,
                ChildSpec.worker("counter", args -> GenServer.startLink("counter", new Counter(), null)).withModules("counter")));
          }
        }
        """
            .formatted(pkg));
    Path classes = Files.createDirectories(work.resolve("classes-" + version));
    int rc =
        javax.tools.ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-d",
                classes.toString(),
                "-cp",
                classPath(),
                src.resolve("Counter.java").toString(),
                src.resolve("App.java").toString());
    assertThat(rc).isZero();
    String descriptor =
        """
        release counter %s {
          java 25
          application counter %s {
            start %s.App
            module counter counter.jar
          }
        %s}
        """
            .formatted(version, version, pkg, from == null ? "" : "  upgrade_from " + from + "\n");
    for (Map.Entry<String, byte[]> extra : extraClassFiles.entrySet()) {
      Files.createDirectories(classes.resolve(extra.getKey()).getParent());
      Files.write(classes.resolve(extra.getKey()), extra.getValue());
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(
        "releases/" + version + "/counter.release", descriptor.getBytes(StandardCharsets.UTF_8));
    files.put(
        "lib/counter-" + version + "/counter.jar",
        Files.readAllBytes(
            ReleasePackager.jar(classes, work.resolve("counter-" + version + ".jar"))));
    if (from != null) {
      String appup =
          "appup counter "
              + version
              + " {\n up "
              + from
              + " { update counter timeout=30s }\n down "
              + from
              + " { update counter }\n}\n";
      files.put(
          "lib/counter-" + version + "/counter.appup", appup.getBytes(StandardCharsets.UTF_8));
      String relup =
          RelupGenerator.generate(
                  ReleaseDescriptor.parse("to", descriptor),
                  List.of(
                      ReleaseDescriptor.parse(
                          "from",
                          descriptor.replace(version, from).replaceAll("  upgrade_from .*\n", ""))),
                  Map.of("counter", Appup.parse("appup", appup)))
              .write();
      files.put("releases/" + version + "/relup", relup.getBytes(StandardCharsets.UTF_8));
    }
    return ReleasePackager.tarball(work.resolve("counter-" + version + ".tar.gz"), version, files);
  }

  @AfterEach
  void stopTheNode() throws Exception {
    if (root != null && Files.exists(Node.pidFile(root))) {
      long pid = Long.parseLong(Files.readString(Node.pidFile(root)).strip());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void startUpgradeFailClearlyAndStop() throws Exception {
    root = work.resolve("root");
    Path v1 = release("1.0.0", null, "v1", "");
    Path v2 = release("1.1.0", "1.0.0", "v2", "");

    assertThat(molt("ping"))
        .isEqualTo(
            new Run(
                3,
                "error: no node is running with root "
                    + root
                    + " (no "
                    + root.resolve("tmp/control.sock")
                    + ")"));
    Path missing = work.resolve("counter-9.9.9.tar.gz");
    assertThat(molt("upgrade", missing.toString()))
        .as("a tarball path that is not there is said to be one, not read as a version")
        .isEqualTo(new Run(1, "error: no such tarball: " + missing + " does not exist"));
    assertThat(molt("unpack", v1.toString())).isEqualTo(new Run(0, "unpacked 1.0.0"));
    Run started = molt("start");
    assertThat(started.code()).as(started.out()).isZero();
    assertThat(started.out())
        .as("start shows the boot's phases as they come (indented), then its result")
        .contains("application counter 1.0.0 started (PERMANENT)\n  booted release counter 1.0.0\n")
        .contains("\n  node up: release 1.0.0 on " + root + "\nstarted (pid ");
    assertThat(molt("ping")).isEqualTo(new Run(0, "pong"));
    assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")"))
        .isEqualTo(new Run(0, "\"v1:1\""));
    assertThat(molt("eval", "var x = 20; x + 22")).isEqualTo(new Run(0, "20\n42"));
    assertThat(molt("status").out()).startsWith("release counter 1.0.0 (permanent 1.0.0), pid ");

    Run upgraded = molt("upgrade", v2.toString());
    assertThat(upgraded.code()).as(upgraded.out()).isZero();
    assertThat(upgraded.result())
        .startsWith("upgraded to 1.1.0 from 1.0.0: 1 process suspended")
        .endsWith("1.1.0 is permanent");
    assertThat(upgraded.out())
        .as("the phases, in order, before the result")
        .containsSubsequence(
            "unpacking " + v2,
            "unpacked release counter 1.1.0",
            "installing release counter 1.1.0 (from 1.0.0): 8 steps",
            "step 1 of 8: pre_purge counter",
            "steps 3-5 of 8: suspend counter, switch and code_change: 1 process, each within",
            "point of no return: RELEASES records 1.1.0",
            "making release counter 1.1.0 permanent",
            "upgraded to 1.1.0");
    assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")"))
        .as("state kept, new code")
        .isEqualTo(new Run(0, "\"v2:2\""));
    assertThat(molt("releases"))
        .isEqualTo(new Run(0, "counter 1.0.0 old\ncounter 1.1.0 permanent"));

    assertThat(molt("install", "9.9.9"))
        .isEqualTo(new Run(1, "error: no release 9.9.9 on this node (known: [1.0.0, 1.1.0])"));
    assertThat(molt("remove", "1.1.0"))
        .isEqualTo(
            new Run(
                1,
                "error: release 1.1.0 is permanent and cannot be removed; make another release permanent first"));
    assertThat(molt("eval", "1 +"))
        .satisfies(
            run -> {
              assertThat(run.code()).isEqualTo(1);
              assertThat(run.out()).startsWith("error: incomplete Java");
            });
    assertThat(molt("eval", "nothing.here()"))
        .as("one line")
        .satisfies(
            run -> {
              assertThat(run.code()).isEqualTo(1);
              assertThat(run.out()).startsWith("error: does not compile: ").doesNotContain("\n");
            });
    assertThat(molt("bogus").code()).isEqualTo(2);
    assertThat(molt("remote", "--help"))
        .as("every command takes --help")
        .satisfies(
            run -> {
              assertThat(run.code()).isZero();
              assertThat(run.out())
                  .contains("Opens an interactive console in the node")
                  .contains("--history");
            });

    long pid = Long.parseLong(Files.readString(Node.pidFile(root)).strip());
    assertThat(molt("stop")).isEqualTo(new Run(0, "stopping"));
    // stop returned when the node's connection closed, at its exit; the process entry goes when it
    // is reaped
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> ProcessHandle.of(pid).isEmpty());
    assertThat(Node.pidFile(root)).doesNotExist();
    assertThat(root.resolve("tmp/control.sock")).doesNotExist();
    assertThat(molt("ping").code()).isEqualTo(3);
  }

  @Test
  void aNodeKilledInTheMiddleOfAnInstallRestartsOnItsPermanentRelease() throws Exception {
    root = work.resolve("root");
    Path v1 = release("1.0.0", null, "v1", "");
    Path v2 = release("1.1.0", "1.0.0", "v2", "");
    molt("unpack", v1.toString());
    assertThat(molt("start").code()).isZero();
    assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")").out()).isEqualTo("\"v1:1\"");
    assertThat(molt("unpack", v2.toString())).isEqualTo(new Run(0, "unpacked 1.1.0"));
    long pid = Long.parseLong(Files.readString(Node.pidFile(root)).strip());

    // the counter is blocked in a call, so the install waits in its suspend (timeout 30 s) until
    // the kill
    assertThat(
            molt(
                    "eval",
                    "dev.molt.Process.spawn(() -> GenServer.call(\"counter\", \"block\", java.time.Duration.ofMinutes(2)))")
                .code())
        .isZero();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> Files.readString(root.resolve("log/node.log")).contains("counter blocked"));
    List<String> install =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            classPath(),
            Cli.class.getName(),
            "--root",
            root.toString(),
            "install",
            "1.1.0");
    Process installing = new ProcessBuilder(install).redirectErrorStream(true).start();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () ->
                Files.readString(root.resolve("log/node.log"))
                    .contains("installing release counter 1.1.0"));
    assertThat(installing.isAlive()).as("the install is under way").isTrue();
    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    assertThat(installing.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(installing.exitValue()).isNotZero();
    assertThat(new String(installing.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .as("said in words")
        .contains("the node closed the connection before it answered 'install'")
        .doesNotContain("EOFException");

    assertThat(molt("start").code()).isZero();
    assertThat(molt("releases"))
        .isEqualTo(new Run(0, "counter 1.0.0 permanent\ncounter 1.1.0 unpacked"));
    assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")"))
        .as("the permanent release, with its initial state")
        .isEqualTo(new Run(0, "\"v1:1\""));
    Run byVersion = molt("upgrade", "1.1.0");
    assertThat(byVersion.result())
        .as("an upgrade to a release already unpacked, named by its version")
        .startsWith("upgraded to 1.1.0 from 1.0.0")
        .endsWith("1.1.0 is permanent");
    assertThat(molt("stop").code()).isZero();
    assertThat(molt("releases"))
        .as("with no node, the command line reads the root's releases itself")
        .isEqualTo(new Run(0, "counter 1.0.0 old\ncounter 1.1.0 permanent"));
    assertThat(molt("install", "1.0.0"))
        .as("what needs a running node says there is none")
        .isEqualTo(
            new Run(
                3,
                "error: no node is running with root "
                    + root
                    + " (no "
                    + root.resolve("tmp/control.sock")
                    + ")"));
  }

  @Test
  void overLoopbackTcpTheCookieIsTheCredential() throws Exception {
    root = work.resolve("root");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    Run started = molt("start", "--listen-tcp", "0");
    assertThat(started.code()).as(started.out()).isZero();
    String port = Files.readString(root.resolve("tmp/control.port")).strip();
    assertThat(molt("--tcp-port", port, "ping")).isEqualTo(new Run(0, "pong"));
    assertThat(molt("--tcp-port", port, "eval", "GenServer.call(\"counter\", \"hit\")"))
        .isEqualTo(new Run(0, "\"v1:1\""));
    Path wrong = work.resolve("wrong-cookie");
    Files.writeString(wrong, "0".repeat(64));
    assertThat(molt("--tcp-port", port, "--cookie-file", wrong.toString(), "releases"))
        .isEqualTo(new Run(1, "error: not authorized"));
    assertThat(
            molt("--tcp-port", port, "--cookie-file", work.resolve("missing").toString(), "ping")
                .out())
        .isEqualTo("error: cannot read the cookie file " + work.resolve("missing"));
    assertThat(molt("stop").code()).isZero();
  }

  @Test // issue 12: another user's 1,000 idle TCP connections lock the owner out of nothing
  void anotherUsersIdleConnectionsLockTheOwnerOutOfNothing() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/python3")), "needs python3 for the flooding client");
    root = work.resolve("root");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    Run started = molt("start", "--listen-tcp", "0");
    assertThat(started.code()).as(started.out()).isZero();
    String port = Files.readString(root.resolve("tmp/control.port")).strip();
    Path script = work.resolve("flood.py");
    Files.writeString(
        script,
        """
        import socket, sys, time
        held = []
        for _ in range(1000):
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            held.append(s)
        print("open", len(held), flush=True)
        time.sleep(120)
        """);
    List<String> flood = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), port));
    if ("root".equals(System.getProperty("user.name"))
        && Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      flood.addAll(0, List.of("/usr/sbin/runuser", "-u", "nobody", "--"));
    }
    Process flooder = new ProcessBuilder(flood).redirectErrorStream(true).start();
    try {
      var lines =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(flooder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo("open 1000");
      assertThat(molt("ping")).isEqualTo(new Run(0, "pong"));
      assertThat(molt("--tcp-port", port, "ping")).isEqualTo(new Run(0, "pong"));
      assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")"))
          .isEqualTo(new Run(0, "\"v1:1\""));
      Run second = molt("start");
      assertThat(second.code()).as("a second node on the same root").isNotZero();
      assertThat(second.out())
          .contains(
              "already running",
              "(pid " + Files.readString(root.resolve("tmp/node.pid")).strip() + ")");
      String log = Files.readString(root.resolve("log/node.log"));
      assertThat(log.lines().filter(l -> l.contains("control channel:")).count())
          .as("the flood is logged in a few lines, not one per connection")
          .isLessThan(10);
    } finally {
      flooder.destroyForcibly();
    }
    assertThat(molt("stop").code()).isZero();
  }

  @Test // issue 12: one writer per root, whether or not the node answers
  void aNodeThatDoesNotAnswerStillHoldsItsRoot() throws Exception {
    root = work.resolve("root");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    Run started = molt("start");
    assertThat(started.code()).as(started.out()).isZero();
    long pid = Long.parseLong(Files.readString(Node.pidFile(root)).strip());
    Path v2 = release("1.1.0", "1.0.0", "v2", "");
    // stopped, the node answers nothing: the commands that would act without it are refused
    assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor()).isZero();
    try {
      Run second = molt("start");
      assertThat(second.code()).isNotZero();
      assertThat(second.out()).contains("already running", "(pid " + pid + ")");
      Run unpack = molt("unpack", v2.toString());
      assertThat(unpack.code()).isNotZero();
      assertThat(unpack.out()).contains("already running", "'unpack' was not done");
      assertThat(root.resolve("releases/1.1.0")).doesNotExist();
      assertThat(Files.readString(Node.pidFile(root)).strip()).isEqualTo(Long.toString(pid));
    } finally {
      new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
    }
    assertThat(molt("ping")).isEqualTo(new Run(0, "pong"));
    assertThat(molt("unpack", v2.toString()).code()).as("through the node").isZero();
    assertThat(molt("stop").code()).isZero();
    // once it is gone, the root is free again, without a node
    assertThat(molt("releases").code()).isZero();
  }

  @Test // issue 12: a permanent release that does not boot; the node falls back and says so
  void aPermanentReleaseThatDoesNotBootFallsBackToTheOneBefore() throws Exception {
    root = work.resolve("root");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    assertThat(molt("start").code()).isZero();
    Run upgraded = molt("upgrade", release("1.1.0", "1.0.0", "v2", "").toString());
    assertThat(upgraded.code()).as(upgraded.out()).isZero();
    assertThat(molt("stop").code()).isZero();
    // the permanent release's module is damaged while the node is down
    Path jar;
    try (var files = Files.list(root.resolve("lib/counter-1.1.0"))) {
      jar = files.filter(f -> f.toString().endsWith(".jar")).findFirst().orElseThrow();
    }
    Files.write(jar, "not a jar".getBytes(StandardCharsets.UTF_8));

    Run started = molt("start");
    assertThat(started.code()).as(started.out()).isZero();
    assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")"))
        .as("running the release before")
        .isEqualTo(new Run(0, "\"v1:1\""));
    Run releases = molt("releases");
    assertThat(releases.out())
        .startsWith("counter 1.0.0 current\ncounter 1.1.0 permanent\nFALLBACK BOOT: ")
        .contains("permanent release 1.1.0 did not boot", "is not a readable jar");
    assertThat(Files.readString(root.resolve("log/node.log")))
        .contains("release 1.1.0 did not boot", "falling back to 1.0.0", "FALLBACK BOOT");
    // the operator makes the running release permanent: the next boot is a plain one
    assertThat(molt("permanent", "1.0.0").code()).isZero();
    assertThat(molt("releases"))
        .isEqualTo(new Run(0, "counter 1.0.0 permanent\ncounter 1.1.0 old"));
    assertThat(molt("stop").code()).isZero();
    assertThat(molt("start").code()).isZero();
    assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")"))
        .isEqualTo(new Run(0, "\"v1:1\""));
    assertThat(molt("stop").code()).isZero();
  }

  @Test // issue 12: a release whose module would shadow a library of the node is refused at unpack
  void aReleaseThatWouldShadowTheNodesLibrariesIsRefused() throws Exception {
    root = work.resolve("root");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    assertThat(molt("start").code()).isZero();
    extraClassFiles =
        Map.of("org/slf4j/LoggerFactory.class", new byte[] {(byte) 0xCA, (byte) 0xFE});
    Path hostile = release("1.1.0", "1.0.0", "v2", "");
    Run unpack = molt("unpack", hostile.toString());
    assertThat(unpack.code()).isEqualTo(1);
    assertThat(unpack.out())
        .contains(
            "module counter of counter defines 1 class(es) it may not, first"
                + " org.slf4j.LoggerFactory: the stable layer has a class of that name");
    assertThat(root.resolve("releases/1.1.0")).doesNotExist();
    assertThat(molt("releases")).isEqualTo(new Run(0, "counter 1.0.0 permanent"));
    assertThat(molt("stop").code()).isZero();
  }

  /** A command line running, whose output is read line by line as it comes. */
  private static final class Streaming {
    private final Process process;
    private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread reader;

    Streaming(Process process) {
      this.process = process;
      this.reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (var in =
                        new java.io.BufferedReader(
                            new java.io.InputStreamReader(
                                process.getInputStream(), StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = in.readLine()) != null) {
                        lines.add(line);
                      }
                    } catch (IOException e) {
                      lines.add("(read failed: " + e + ")");
                    }
                  });
    }

    List<String> lines() {
      return List.copyOf(lines);
    }

    void awaitLine(String start) {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .until(() -> lines.stream().anyMatch(line -> line.startsWith(start)));
    }

    Run finish() throws Exception {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      reader.join();
      return new Run(process.exitValue(), String.join("\n", lines).strip());
    }
  }

  /** Starts {@link #molt}'s command line and reads its output as it comes. */
  private Streaming moltStreaming(String... args) throws IOException {
    return new Streaming(commandLine(args).start());
  }

  /** Runs {@link #molt} in the background, on a thread of its own. */
  private java.util.concurrent.CompletableFuture<Run> moltLater(String... args) {
    var result = new java.util.concurrent.CompletableFuture<Run>();
    Thread.ofPlatform()
        .start(
            () -> {
              try {
                result.complete(molt(args));
              } catch (Exception e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }

  private void awaitLog(String text) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> Files.readString(root.resolve("log/node.log")).contains(text));
  }

  @Test // issue 12: stop during an upgrade waits for it; every client gets its answer
  void stopDuringAnUpgradeWaitsForItAndAnswersEveryone() throws Exception {
    root = work.resolve("root");
    Path go = work.resolve("let-the-code-change-finish");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    assertThat(molt("start").code()).isZero();
    assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")").out()).isEqualTo("\"v1:1\"");
    Path v2 =
        release(
            "1.1.0",
            "1.0.0",
            "v2",
            """
            public State codeChange(Object oldVsn, Object old, Object extra) throws Exception {
              org.slf4j.LoggerFactory.getLogger("counter").info("code change started");
              // until the test has seen the stop wait and a ping refused
              while (!java.nio.file.Files.exists(java.nio.file.Path.of("%s"))) { Thread.sleep(20); }
              return (State) Migration.migrate(old, getClass());
            }
            """
                .formatted(go));
    Streaming upgrade = moltStreaming("upgrade", v2.toString());
    awaitLog("code change started");
    upgrade.awaitLine("steps 3-5 of 8: suspend counter, switch and code_change: 1 process");
    assertThat(upgrade.lines())
        .as("the phases so far reached the command line while the code change still runs")
        .containsSubsequence(
            "installing release counter 1.1.0 (from 1.0.0): 8 steps",
            "step 2 of 8: prepare counter")
        .noneMatch(line -> line.startsWith("point of no return"));
    var stop = moltLater("stop");
    awaitLog("node stopping: waiting for the commands under way");
    assertThat(Files.readString(root.resolve("log/node.log")))
        .as("the stop came during the upgrade")
        .doesNotContain("installed release counter 1.1.0");
    assertThat(molt("ping"))
        .as("new commands are refused while it drains")
        .isEqualTo(new Run(1, "error: the node is stopping; 'ping' not run"));
    Files.createFile(go);
    Run upgraded = upgrade.finish();
    assertThat(upgraded.code()).as(upgraded.out()).isZero();
    assertThat(upgraded.result())
        .startsWith("upgraded to 1.1.0 from 1.0.0")
        .endsWith("1.1.0 is permanent");
    assertThat(stop.get(60, TimeUnit.SECONDS).code()).isZero();
    try (var staging = Files.newDirectoryStream(root.resolve("tmp"), "unpack-*")) {
      assertThat(staging.iterator().hasNext()).as("no staging left").isFalse();
    }
    assertThat(molt("releases"))
        .isEqualTo(new Run(0, "counter 1.0.0 old\ncounter 1.1.0 permanent"));
    assertThat(molt("start").code()).isZero();
    assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")").out()).isEqualTo("\"v2:1\"");
    assertThat(molt("stop").code()).isZero();
  }

  @Test // issue 12: a tarball extracted in place boots as it is, checked against its manifest
  void anExtractedTarballBootsAsItIs() throws Exception {
    root = Files.createDirectories(work.resolve("root"));
    Path tarball = release("1.0.0", null, "v1", "");
    assertThat(
            new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", root.toString())
                .start()
                .waitFor())
        .isZero();
    Run started = molt("start");
    assertThat(started.code()).as(started.out()).isZero();
    assertThat(molt("releases")).isEqualTo(new Run(0, "counter 1.0.0 permanent"));
    assertThat(molt("eval", "GenServer.call(\"counter\", \"hit\")").out()).isEqualTo("\"v1:1\"");
    assertThat(molt("stop").code()).isZero();

    // the same, tampered with after extraction: refused, and the command says why on its line
    Path other = Files.createDirectories(work.resolve("other"));
    root = other;
    assertThat(
            new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", other.toString())
                .start()
                .waitFor())
        .isZero();
    Files.writeString(
        other.resolve("releases/1.0.0/counter.release"),
        "# edited after extraction\n",
        java.nio.file.StandardOpenOption.APPEND);
    Run refused = molt("start");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.out())
        .startsWith("error: the node exited with code 1: ")
        .contains("checksum mismatch for releases/1.0.0/counter.release");
  }

  @Test // issue 12: the node's log has timestamps, process names, levels per package, rotation
  void theNodeLogHasTimesProcessesLevelsAndRotates() throws Exception {
    root = work.resolve("root");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    jvmOptions =
        "-Dmolt.log.maxSize=2KB -Dmolt.log.files=2 -Dmolt.log.checkMillis=0 -Dmolt.log.levels=test.node=DEBUG,noisy=WARN";
    assertThat(molt("start").code()).isZero();
    jvmOptions = null;
    String log = Files.readString(root.resolve("log/node.log"));
    assertThat(log.lines().filter(l -> l.contains("application counter 1.0.0 started")))
        .as("a timestamp, the level, the process that logged")
        .singleElement()
        .asString()
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* INFO  \\[<0\\.\\d+\\.0>\\] .*");
    assertThat(log).doesNotContain("[]");
    assertThat(
            molt(
                "eval",
                "for (int i = 0; i < 300; i++) {"
                    + " org.slf4j.LoggerFactory.getLogger(\"test.node.x\").debug(\"debug line {}\", i);"
                    + " org.slf4j.LoggerFactory.getLogger(\"noisy.y\").info(\"noise {}\", i); }"))
        .extracting(Run::code)
        .isEqualTo(0);
    assertThat(molt("stop").code()).isZero();
    String all =
        Files.readString(root.resolve("log/node.log"))
            + Files.readString(root.resolve("log/node.1.log"));
    assertThat(all).contains("debug line 299").doesNotContain("noise ");
    assertThat(root.resolve("log/node.1.log")).as("rotated").exists();
    assertThat(root.resolve("log/node.3.log")).as("two rotated files kept").doesNotExist();
    assertThat(Files.size(root.resolve("log/node.log"))).isLessThan(64 * 1024);
  }

  @Test // issue 12: releases/<vsn>/vm.args holds the JVM options of the release that boots
  void theBootingReleasesVmArgsReachTheNode() throws Exception {
    root = work.resolve("root");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    Path vmArgs = root.resolve("releases/1.0.0/vm.args");
    Files.writeString(
        vmArgs, "# the node's JVM\n-Dtest.vmarg=hello -Xss2m\n\n-Dtest.other=x # trailing\n");
    assertThat(molt("start").code()).isZero();
    assertThat(
            molt("eval", "System.getProperty(\"test.vmarg\") + System.getProperty(\"test.other\")"))
        .isEqualTo(new Run(0, "\"hellox\""));
    assertThat(molt("stop").code()).isZero();

    Files.writeString(vmArgs, "-Xmx1g\n-jar other.jar\n");
    Run refused = molt("start");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.out())
        .isEqualTo(
            "error: "
                + vmArgs
                + ":2: '-jar' is not a JVM option a release may set (options start with '-'; the"
                + " class path and the main class are the launcher's)");
  }

  @Test // issue 12: status shows the versions the applications run after an upgrade
  void statusShowsTheApplicationVersionsAfterAnUpgrade() throws Exception {
    root = work.resolve("root");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    assertThat(molt("start").code()).isZero();
    assertThat(molt("status").out()).endsWith("applications [counter 1.0.0]");
    assertThat(molt("upgrade", release("1.1.0", "1.0.0", "v2", "").toString()).code()).isZero();
    assertThat(molt("status").out()).endsWith("applications [counter 1.1.0]");
    assertThat(molt("downgrade", "1.0.0").code()).isZero();
    assertThat(molt("status").out()).endsWith("applications [counter 1.0.0]");
    assertThat(molt("stop").code()).isZero();
  }

  @Test // issue 12: an upgrade and a downgrade at once end in a state that agrees with itself
  void anUpgradeAndADowngradeAtOnceEndConsistent() throws Exception {
    root = work.resolve("root");
    molt("unpack", release("1.0.0", null, "v1", "").toString());
    assertThat(molt("start").code()).isZero();
    molt("unpack", release("1.1.0", "1.0.0", "v2", "").toString());
    for (int round = 0; round < 3; round++) {
      var up = moltLater("upgrade", "1.1.0");
      var down = moltLater("downgrade", "1.0.0");
      Run upgraded = up.get(120, TimeUnit.SECONDS);
      Run downgraded = down.get(120, TimeUnit.SECONDS);
      for (Run run : List.of(upgraded, downgraded)) {
        assertThat(run.result())
            .as("each answers with its outcome, in words")
            .matches(
                "(upgraded to 1\\.1\\.0 from 1\\.0\\.0: .*1\\.1\\.0 is permanent"
                    + "|downgraded to 1\\.0\\.0 from 1\\.1\\.0: .*1\\.0\\.0 is permanent"
                    + "|error: release 1\\.[01]\\.0 is already running)");
      }
      String releases = molt("releases").out();
      String running = molt("eval", "GenServer.call(\"counter\", \"hit\")").out();
      assertThat(releases)
          .as("the permanent release is the one that runs")
          .isEqualTo(
              running.startsWith("\"v2:")
                  ? "counter 1.0.0 old\ncounter 1.1.0 permanent"
                  : "counter 1.0.0 permanent\ncounter 1.1.0 old");
      assertThat(molt("status").out())
          .contains(running.startsWith("\"v2:") ? "counter 1.1.0" : "counter 1.0.0");
    }
    assertThat(molt("stop").code()).isZero();
  }
}
