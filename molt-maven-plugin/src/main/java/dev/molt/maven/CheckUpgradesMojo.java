package dev.molt.maven;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.release.ReleaseDescriptor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apiguardian.api.API;

/**
 * Proves, in {@code verify}, every upgrade the build's releases declare: for each release built
 * into the output directory and each release in its {@code upgradeFrom}, the older tarball is
 * extracted into a temporary root with {@code tar}, started with {@code bin/<name> start}, upgraded
 * live with {@code bin/<name> upgrade <newer tarball>}, then downgraded with {@code bin/<name>
 * downgrade}, and stopped, as an operator would. The application's smoke check, if it gives one,
 * runs in the node after the start, after the upgrade and after the downgrade. A failed step fails
 * the build with what the node said (the relup step, the process, the reason). The time of each
 * step is printed per release pair. {@code -Dmolt.upgrades.skip} skips the check.
 */
@Mojo(name = "check-upgrades", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
@API(status = EXPERIMENTAL, since = "0.1")
public final class CheckUpgradesMojo extends AbstractMojo {
  /** Where the release goal wrote its releases. */
  @Parameter(defaultValue = "${project.build.directory}")
  File outputDirectory;

  /** Skips the check. */
  @Parameter(property = "molt.upgrades.skip", defaultValue = "false")
  boolean skip;

  /**
   * Java code the node evaluates ({@code bin/<name> eval}) after its start, after the upgrade and
   * after the downgrade, for example {@code KV.put("smoke", 1).equals("ok")}: the check fails if it
   * throws or its value is {@code false}. None: the node's start and the two installs are the
   * check.
   */
  @Parameter String smokeCheck;

  /** How long one command of the launcher may take, in seconds. */
  @Parameter(defaultValue = "120")
  int commandTimeoutSeconds;

  /** A release pair to prove. */
  record Pair(String name, String from, String to) {}

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("upgrade checks skipped (molt.upgrades.skip)");
      return;
    }
    Path out = outputDirectory.toPath();
    List<Pair> pairs;
    try {
      pairs = pairs(out);
    } catch (IOException e) {
      throw new MojoExecutionException("cannot read the releases in " + out + ": " + e, e);
    }
    if (pairs.isEmpty()) {
      getLog().info("no release in " + out + " upgrades from another: nothing to check");
      return;
    }
    for (Pair pair : pairs) {
      check(out, pair);
    }
  }

  /** The pairs of the releases under {@code out}, in version order of the newer. */
  static List<Pair> pairs(Path out) throws IOException {
    List<Pair> pairs = new ArrayList<>();
    if (!Files.isDirectory(out)) {
      return pairs;
    }
    List<Path> descriptors;
    try (Stream<Path> files = Files.find(out, 4, (p, a) -> p.toString().endsWith(".release"))) {
      descriptors = files.sorted().toList();
    }
    for (Path file : descriptors) {
      // <out>/<name>-<vsn>/releases/<vsn>/<name>.release: a release this build made or read
      Path releaseDir = file.getParent();
      if (releaseDir.getParent() == null
          || !releaseDir.getParent().getFileName().toString().equals("releases")) {
        continue;
      }
      ReleaseDescriptor descriptor = ReleaseDescriptor.read(file);
      if (!Files.isRegularFile(tarball(out, descriptor.name(), descriptor.version()))) {
        continue;
      }
      for (String from : descriptor.upgradeFrom()) {
        pairs.add(new Pair(descriptor.name(), from, descriptor.version()));
      }
    }
    pairs.sort(Comparator.comparing(Pair::name).thenComparing(Pair::to).thenComparing(Pair::from));
    return pairs.stream().distinct().toList();
  }

  private static Path tarball(Path out, String name, String version) {
    return out.resolve(name + "-" + version + ".tar.gz");
  }

  private void check(Path out, Pair pair) throws MojoExecutionException, MojoFailureException {
    String what = "upgrade check " + pair.name() + " " + pair.from() + " -> " + pair.to();
    Path from = tarball(out, pair.name(), pair.from());
    Path to = tarball(out, pair.name(), pair.to());
    if (!Files.isRegularFile(from)) {
      throw new MojoFailureException(
          what + ": no tarball " + from + " (name the release in upgradeFrom so the build has it)");
    }
    Path root;
    try {
      root = Files.createTempDirectory(out, "upgrade-check-");
    } catch (IOException e) {
      throw new MojoExecutionException(what + ": cannot make a root in " + out + ": " + e, e);
    }
    Launcher node = new Launcher(root, pair.name(), commandTimeoutSeconds);
    List<String> timings = new ArrayList<>();
    boolean started = false;
    try {
      node.extract(from);
      timings.add(node.timed("start", "start"));
      started = true;
      smoke(node, what, "after the start of " + pair.from());
      timings.add(node.timed("upgrade", "upgrade", to.toString()));
      smoke(node, what, "after the upgrade to " + pair.to());
      timings.add(node.timed("downgrade", "downgrade", pair.from()));
      smoke(node, what, "after the downgrade to " + pair.from());
      getLog().info(what + ": passed (" + String.join(", ", timings) + ")");
    } catch (Launcher.Failed e) {
      throw new MojoFailureException(what + ": " + e.getMessage() + "\n" + logTail(root));
    } catch (IOException e) {
      throw new MojoExecutionException(what + ": " + e, e);
    } finally {
      if (started) {
        node.stopQuietly();
      }
      deleteQuietly(root);
    }
  }

  private void smoke(Launcher node, String what, String when) throws IOException, Launcher.Failed {
    if (smokeCheck == null || smokeCheck.isBlank()) {
      return;
    }
    String value;
    try {
      value = node.ok("eval", smokeCheck);
    } catch (Launcher.Failed e) {
      throw new Launcher.Failed("the smoke check " + when + ": " + e.getMessage());
    }
    if (value.strip().equals("false")) {
      throw new Launcher.Failed("the smoke check " + smokeCheck + " was false " + when);
    }
  }

  private static String logTail(Path root) {
    Path log = root.resolve("log/node.log");
    try {
      if (!Files.exists(log)) {
        return "";
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "the node's log, last lines:\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(the node's log cannot be read: " + e + ")";
    }
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary root under target/: mvn clean takes what is left
    }
  }

  /** A release root driven through {@code bin/<name>}, each command a JVM of its own. */
  static final class Launcher {
    /** A command that failed, with what it printed. */
    static final class Failed extends Exception {
      Failed(String message) {
        super(message);
      }
    }

    private final Path root;
    private final String name;
    private final int timeoutSeconds;

    Launcher(Path root, String name, int timeoutSeconds) {
      this.root = root;
      this.name = name;
      this.timeoutSeconds = timeoutSeconds;
    }

    void extract(Path tarball) throws IOException, Failed {
      command(List.of("tar", "xzf", tarball.toString(), "-C", root.toString()));
      ok("unpack", tarball.toString());
    }

    /** Runs a command and says how long it took, as {@code label 1.2 s}. */
    String timed(String label, String... args) throws IOException, Failed {
      long start = System.nanoTime();
      ok(args);
      return String.format(Locale.ROOT, "%s %.1f s", label, (System.nanoTime() - start) / 1e9);
    }

    String ok(String... args) throws IOException, Failed {
      List<String> command = new ArrayList<>();
      command.add(root.resolve("bin").resolve(name).toString());
      command.addAll(List.of(args));
      return command(command);
    }

    void stopQuietly() {
      try {
        ok("stop");
      } catch (IOException | Failed e) {
        // the node was not running, or is gone: nothing left to stop
      }
    }

    private String command(List<String> command) throws IOException, Failed {
      // output to a file, not a pipe: a node that start leaves running holds no pipe of ours open
      Path output = Files.createTempFile(root.getParent(), "command-", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      // the launcher takes MOLT_JAVA_HOME first if it is a JDK 25+: the one running this build
      builder.environment().putIfAbsent("MOLT_JAVA_HOME", System.getProperty("java.home"));
      Process process = builder.start();
      String out;
      try {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new Failed(
              String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        out = Files.readString(output, StandardCharsets.UTF_8).strip();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IOException("interrupted running " + command, e);
      } finally {
        Files.deleteIfExists(output);
      }
      if (process.exitValue() != 0) {
        throw new Failed(
            (command.getFirst().endsWith("/" + name)
                    ? "bin/" + name + " " + String.join(" ", command.subList(1, command.size()))
                    : String.join(" ", command))
                + " failed (exit "
                + process.exitValue()
                + "):\n"
                + out);
      }
      return out;
    }
  }
}
