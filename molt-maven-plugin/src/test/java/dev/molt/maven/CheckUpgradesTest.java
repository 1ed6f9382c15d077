package dev.molt.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check-upgrades goal on real releases: built by the release goal with the node's own jars,
 * extracted with tar, and driven through bin/NAME in JVMs of their own.
 */
class CheckUpgradesTest {
  @TempDir Path work;

  private final List<String> logged = new ArrayList<>();

  private static String server(String state, String extra) {
    return """
        package check.app;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        public final class Server implements GenServer<Server.State> {
          %s
          public static Object count() { return GenServer.call("checked", "count"); }
          public Init<State> init(Object arg) { return Init.ok(%s); }
          public CallResult<State> handleCall(Object request, From from, State state) {
            return new Reply<>(state.n(), state);
          }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
          %s
        }
        """
        .formatted(state, state.contains(",") ? "new State(1, 0)" : "new State(1)", extra);
  }

  private static final String APP =
      """
      package check.app;
      import dev.molt.*;
      import dev.molt.behaviour.*;
      import java.util.*;
      public final class App implements ApplicationCallback {
        public Pid start(Restart type, Map<String, Object> env) {
          return Supervisor.startLink("checked_sup", SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE,
              childSpecs("checked_sup").toArray(ChildSpec[]::new)));
        }
        public List<ChildSpec> childSpecs(String supervisor) {
          return List.of(ChildSpec.worker("server",
              args -> GenServer.startLink("checked", new Server(), null)).withModules("app"));
        }
      }
      """;

  /** Builds release {@code version} of "checked", runnable: the node's jars are in its lib/. */
  private void release(String version, String state, String extra, String... from)
      throws Exception {
    release(version, state, extra, List.of(), from);
  }

  /** As above, with {@code pinned} jars in the node's stable layer too. */
  private void release(
      String version, String state, String extra, List<Artifact> pinned, String... from)
      throws Exception {
    ReleaseMojo mojo =
        TestMojos.mojo(work, "checked", version, "check.app", server(state, extra), Set.of());
    Files.writeString(work.resolve("src-" + version + "/check/app/App.java"), APP);
    mojo.applications.getFirst().start = "check.app.App";
    List<Artifact> stable = new ArrayList<>(nodeJars());
    stable.addAll(pinned);
    mojo.plugin.setArtifacts(stable);
    mojo.upgradeFrom = List.of(from);
    mojo.setLog(log());
    mojo.execute();
  }

  /** The jars of this test's class path a node runs on, as the plugin's own artifacts. */
  private List<Artifact> nodeJars() throws IOException {
    List<Artifact> jars = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      String name;
      if (entry.contains("/molt-runtime/")
          || entry.contains("/molt-release/")
          || entry.contains("/molt-console/")) {
        name = path.toString().replaceAll(".*/(molt-[a-z]+)/.*", "$1");
        if (Files.isDirectory(path)) {
          path = dev.molt.release.ReleasePackager.jar(path, work.resolve(name + ".jar"));
        }
      } else if (entry.matches(
          ".*/(ch/qos/logback|org/slf4j/slf4j-api|info/picocli|org/jline|commons-io|org/apache/commons|commons-codec|org/apiguardian)/.*\\.jar")) {
        name = path.getFileName().toString().replaceAll("-[0-9][^-]*\\.jar$", "");
      } else {
        continue;
      }
      DefaultArtifact artifact =
          new DefaultArtifact(
              "node",
              name,
              "1",
              Artifact.SCOPE_RUNTIME,
              "jar",
              null,
              new DefaultArtifactHandler("jar"));
      artifact.setFile(path.toFile());
      jars.add(artifact);
    }
    return jars;
  }

  private SystemStreamLog log() {
    return new SystemStreamLog() {
      @Override
      public void info(CharSequence content) {
        logged.add(content.toString());
      }
    };
  }

  private CheckUpgradesMojo check(String smokeCheck) {
    CheckUpgradesMojo check = new CheckUpgradesMojo();
    check.outputDirectory = work.resolve("target").toFile();
    check.smokeCheck = smokeCheck;
    check.commandTimeoutSeconds = 120;
    check.setLog(log());
    return check;
  }

  @Test
  void provesAnUpgradeAndItsDowngradeThroughTheLauncherWithTheSmokeCheck() throws Exception {
    release("1.0.0", "public record State(int n) {}", "");
    release("1.1.0", "public record State(int n, @Default(\"5\") long calls) {}", "", "1.0.0");
    assertThat(CheckUpgradesMojo.pairs(work.resolve("target")))
        .containsExactly(new CheckUpgradesMojo.Pair("checked", "1.0.0", "1.1.0"));

    check("check.app.Server.count().equals(1)").execute();
    assertThat(logged)
        .anySatisfy(
            line ->
                assertThat(line)
                    .matches(
                        "upgrade check checked 1\\.0\\.0 -> 1\\.1\\.0: passed \\(start [0-9.]+ s,"
                            + " upgrade [0-9.]+ s, downgrade [0-9.]+ s\\)"));

    assertThatThrownBy(() -> check("check.app.Server.count().equals(2)").execute())
        .isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith(
            "upgrade check checked 1.0.0 -> 1.1.0: the smoke check"
                + " check.app.Server.count().equals(2) was false after the start of 1.0.0");
    try (var left = Files.list(work.resolve("target"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no temporary root is left")
          .noneMatch(n -> n.startsWith("upgrade-check-"));
    }
  }

  @Test
  void aBreakingChangeWithNoCodeChangeFailsTheCheckNamingTheComponent() throws Exception {
    release("1.0.0", "public record State(int n) {}", "");
    // the generated appup has a note (the release goal is not strict here); the node refuses it
    release("1.1.0", "public record State(int n, long calls) {}", "", "1.0.0");
    assertThat(work.resolve("target/checked-1.1.0/lib/app-1.1.0/app.appup"))
        .content()
        .contains("gains component calls with no @Default");

    assertThatThrownBy(() -> check(null).execute())
        .isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("upgrade check checked 1.0.0 -> 1.1.0: bin/checked upgrade ")
        .hasMessageContaining("rolled back")
        .hasMessageContaining("gains component calls");
  }

  /** A library of the stable layer, {@code pinned.Version.v()} answering {@code v}. */
  private Artifact pinned(String v) throws Exception {
    Path src = Files.createDirectories(work.resolve("pinned-src-" + v + "/pinned"));
    Files.writeString(
        src.resolve("Version.java"),
        "package pinned; public final class Version { public static String v() { return \""
            + v
            + "\"; } }");
    Path classes = Files.createDirectories(work.resolve("pinned-classes-" + v));
    int rc =
        javax.tools.ToolProvider.getSystemJavaCompiler()
            .run(
                null, null, null, "-d", classes.toString(), src.resolve("Version.java").toString());
    assertThat(rc).isZero();
    DefaultArtifact artifact =
        new DefaultArtifact(
            "test",
            "pinned",
            v,
            Artifact.SCOPE_RUNTIME,
            "jar",
            null,
            new DefaultArtifactHandler("jar"));
    artifact.setFile(
        dev.molt.release.ReleasePackager.jar(classes, work.resolve("pinned-" + v + ".jar"))
            .toFile());
    return artifact;
  }

  @Test // issue 14: both versions of a pinned library sat in one lib/molt-*/, the old one first
  void aStableLayerLibraryThatChangesVersionRunsAfterTheRestart() throws Exception {
    release("1.0.0", "public record State(int n) {}", "", List.of(pinned("1.0")));
    release("1.1.0", "public record State(int n) {}", "", List.of(pinned("2.0")), "1.0.0");
    Path root = Files.createDirectories(work.resolve("root"));
    CheckUpgradesMojo.Launcher node = new CheckUpgradesMojo.Launcher(root, "checked", 120);
    node.extract(work.resolve("target/checked-1.0.0.tar.gz"));
    try {
      node.ok("start");
      assertThat(node.ok("eval", "pinned.Version.v()")).isEqualTo("\"1.0\"");
      assertThat(node.ok("upgrade", work.resolve("target/checked-1.1.0.tar.gz").toString()))
          .as("the upgrade says when the new stable layer takes effect")
          .contains("release 1.1.0 has another stable layer (lib/molt-test-")
          .contains("it takes effect when the node next starts, on the permanent release");
      assertThat(node.ok("eval", "pinned.Version.v()"))
          .as("live, the node keeps the stable layer it started with")
          .isEqualTo("\"1.0\"");
      node.ok("stop");
      node.ok("start");
      assertThat(node.ok("eval", "pinned.Version.v()"))
          .as("restarted on 1.1.0, its stable layer")
          .isEqualTo("\"2.0\"");
      node.ok("downgrade", "1.0.0");
      node.ok("stop");
      node.ok("start");
      assertThat(node.ok("eval", "pinned.Version.v()")).isEqualTo("\"1.0\"");
    } finally {
      node.stopQuietly();
    }
  }

  @Test
  void nothingToCheckOrSkippedSaysSo() throws Exception {
    check(null).execute();
    assertThat(logged)
        .contains(
            "no release in " + work.resolve("target") + " upgrades from another: nothing to check");
    CheckUpgradesMojo skipped = check(null);
    skipped.skip = true;
    skipped.execute();
    assertThat(logged).contains("upgrade checks skipped (molt.upgrades.skip)");
  }
}
