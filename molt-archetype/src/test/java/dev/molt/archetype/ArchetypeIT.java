package dev.molt.archetype;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.testkit.LauncherNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project made from the archetype, outside this repository, built with Maven against the
 * installed Molt artifacts, as a user builds it: with a third-party library (Gson) whose version
 * changes between its releases 1.0.0 and 1.1.0.
 *
 * <ul>
 *   <li>1.0.0 is built and installed; built again, its tarball is the same bytes;
 *   <li>1.1.0 proves its upgrade from 1.0.0 in {@code verify} (UpgradeIT, check-upgrades);
 *   <li>1.0.0 boots from {@code tar xzf} and is upgraded and downgraded under load, no call
 *       failing;
 *   <li>a breaking change with no {@code codeChange} fails {@code verify}, naming the component.
 * </ul>
 */
class ArchetypeIT {
  private static final Path WRAPPER = Path.of(System.getProperty("molt.wrapper", "../mvnw"));
  private static final String REPOSITORY = System.getProperty("molt.localRepository", "");
  private static final String MOLT = System.getProperty("molt.version", "0.1.0-SNAPSHOT");

  @TempDir Path work;

  /** A Maven run: its exit code and its output. */
  record Build(int code, String out) {}

  private Build maven(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("sh", WRAPPER.toAbsolutePath().toString()));
    command.add("-B");
    if (!REPOSITORY.isEmpty()) {
      command.add("-Dmaven.repo.local=" + REPOSITORY);
    }
    command.addAll(List.of(args));
    Path log = Files.createTempFile(work, "maven-", ".log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("mvn " + String.join(" ", args) + " did not finish in 10 minutes");
    }
    return new Build(process.exitValue(), Files.readString(log));
  }

  private Build ok(Path dir, String... args) throws IOException, InterruptedException {
    Build build = maven(dir, args);
    assertThat(build.code())
        .as("mvn " + String.join(" ", args) + " in " + dir + ":\n" + build.out())
        .isZero();
    return build;
  }

  private static void edit(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    assertThat(text).as(file + " holds " + from).contains(from);
    Files.writeString(file, text.replace(from, to));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path file : files.filter(f -> !from.relativize(f).startsWith("target")).toList()) {
        Path copy = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void aNewProjectProvesItsUpgradeWithALibraryThatChangesVersion() throws Exception {
    ok(
        work,
        "archetype:generate",
        "-DarchetypeGroupId=dev.molt",
        "-DarchetypeArtifactId=molt-archetype",
        "-DarchetypeVersion=" + MOLT,
        "-DgroupId=com.example",
        "-DartifactId=greeter",
        "-Dversion=1.0.0",
        "-Dpackage=com.example.greeter");
    Path project = work.resolve("greeter");
    Path pom = project.resolve("pom.xml");
    Path counter = project.resolve("src/main/java/com/example/greeter/Counter.java");
    assertThat(Files.readString(pom)).contains("<molt.version>" + MOLT + "</molt.version>");
    assertThat(Files.readString(project.resolve("README.md")))
        .startsWith("# greeter\n")
        .contains("\n## The next release, ready to edit\n");

    // 1.0.0, with Gson 2.10.1
    edit(
        pom,
        "  <dependencies>\n",
        """
          <dependencies>
            <dependency>
              <groupId>com.google.code.gson</groupId>
              <artifactId>gson</artifactId>
              <version>2.10.1</version>
            </dependency>
        """);
    edit(
        counter,
        "      default -> throw",
        """
              case String s when s.equals("json") ->
                  new Reply<>(new com.google.gson.Gson().toJson(state.hits()), state);
              default -> throw""");
    Build first = ok(project, "install");
    assertThat(first.out())
        .contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 1") // UpgradeIT: nothing yet
        .contains("upgrades from another: nothing to check");
    Path v100 = work.resolve("greeter-1.0.0.tar.gz");
    Files.copy(project.resolve("target/greeter-1.0.0.tar.gz"), v100);
    assertThat(
            Files.readString(
                project.resolve("target/greeter-1.0.0/releases/1.0.0/greeter.release")))
        .contains("module gson gson-2.10.1.jar library=2.10.1");

    ok(project, "-q", "clean", "package", "-DskipTests");
    assertThat(sha256(project.resolve("target/greeter-1.0.0.tar.gz")))
        .as("the same sources built twice give the same tarball")
        .isEqualTo(sha256(v100));
    Path elsewhere = work.resolve("elsewhere/greeter");
    copyTree(project, elsewhere);
    ok(elsewhere, "-q", "clean", "package", "-DskipTests");
    assertThat(sha256(elsewhere.resolve("target/greeter-1.0.0.tar.gz")))
        .as("the same sources built in another directory give the same tarball")
        .isEqualTo(sha256(v100));

    // 1.1.0: Gson 2.11.0, a state component with a default, upgrading from the installed 1.0.0
    edit(pom, "<version>1.0.0</version>", "<version>1.1.0</version>");
    edit(pom, "<version>2.10.1</version>", "<version>2.11.0</version>");
    edit(
        pom,
        "<molt.upgradeFrom></molt.upgradeFrom>",
        "<molt.upgradeFrom>com.example:greeter:1.0.0</molt.upgradeFrom>");
    edit(
        counter,
        "public record State(Map<String, Long> hits) {}",
        "public record State(Map<String, Long> hits, @dev.molt.code.Default(\"0\") long total) {}");
    edit(counter, "new State(new HashMap<>())", "new State(new HashMap<>(), 0)");
    edit(
        counter,
        "case Hit(String name) -> new Reply<>(state.hits().merge(name, 1L, Long::sum), state);",
        "case Hit(String name) ->"
            + " new Reply<>(state.hits().merge(name, 1L, Long::sum),"
            + " new State(state.hits(), state.total() + 1));");
    Build second = ok(project, "verify");
    assertThat(second.out())
        .contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0")
        .containsPattern(
            "upgrade check greeter 1\\.0\\.0 -> 1\\.1\\.0: passed \\(start [0-9.]+ s, upgrade [0-9.]+"
                + " s, downgrade [0-9.]+ s\\)");
    assertThat(Files.readString(project.resolve("target/greeter-1.1.0/releases/1.1.0/relup")))
        .as("the library's new version is loaded by the upgrade, and the old one by the downgrade")
        .contains("prepare")
        .contains("gson");
    assertThat(
            Files.readString(
                project.resolve("target/greeter-1.1.0/releases/1.1.0/greeter.release")))
        .contains("module gson gson-2.11.0.jar library=2.11.0");

    // 1.0.0 from tar xzf, upgraded and downgraded under load
    try (LauncherNode node = LauncherNode.extract(v100, work.resolve("node"))) {
      node.ok("start");
      assertThat(node.eval("com.example.greeter.Counter.hit(\"a\")")).isEqualTo("1");
      int load = node.startLoad("com.example.greeter.Counter.hit(\"load\") > 0", "true");
      assertThat(node.ok("upgrade", project.resolve("target/greeter-1.1.0.tar.gz").toString()))
          .contains("upgraded to 1.1.0 from 1.0.0")
          .endsWith("1.1.0 is permanent");
      assertThat(node.eval("dev.molt.behaviour.GenServer.call(\"counter\", \"json\")"))
          .contains("\\\"a\\\":1");
      long afterUpgrade = node.load(load).calls();
      assertThat(node.ok("downgrade", "1.0.0")).contains("downgraded to 1.0.0 from 1.1.0");
      assertThat(node.eval("com.example.greeter.Counter.count(\"a\")")).isEqualTo("1");
      LauncherNode.Load calls = node.load(load);
      assertThat(calls.calls()).as("calls went on").isGreaterThan(afterUpgrade);
      assertThat(calls.failed()).as("failed calls of " + calls.calls()).isZero();
    }

    // a breaking change: a component with no default, and no codeChange
    edit(
        counter,
        "@dev.molt.code.Default(\"0\") long total) {}",
        "@dev.molt.code.Default(\"0\") long total, long since) {}");
    edit(counter, "new State(new HashMap<>(), 0)", "new State(new HashMap<>(), 0, 0)");
    edit(
        counter,
        "new State(state.hits(), state.total() + 1)",
        "new State(state.hits(), state.total() + 1, 0)");
    Build broken = maven(project, "verify");
    assertThat(broken.code()).as(broken.out()).isNotZero();
    assertThat(broken.out())
        .as("the generator's note")
        .contains("gains component since with no @Default")
        .as("the runtime's refusal")
        .contains("gains component since, which has no @Default");
  }
}
