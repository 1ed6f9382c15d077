package dev.molt.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * A release root driven through its launcher, {@code bin/<name>}, as an operator drives it: the
 * tarball extracted with {@code tar}, and each command a JVM of its own. Slower than {@link
 * InProcessNode}, and what a deploy does.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class LauncherNode implements AutoCloseable {
  /** A command's exit code and output (stdout and stderr, stripped). */
  public record Run(int code, String out) {}

  /** What a {@linkplain #startLoad load} in the node has counted so far. */
  public record Load(long calls, long failed, long longestNanos) {}

  private static final long COMMAND_SECONDS = 120;

  private final Path root;
  private final String name;
  private final java.util.Map<String, String> environment = new java.util.TreeMap<>();
  private int loads;

  private LauncherNode(Path root, String name) {
    this.root = root;
    this.name = name;
  }

  /**
   * Extracts {@code tarball} into {@code root} with {@code tar xzf}, as a user would, and unpacks
   * it there ({@code bin/<name> unpack}). The node is not started: {@code ok("start")}.
   */
  public static LauncherNode extract(Path tarball, Path root) {
    try {
      Files.createDirectories(root);
      java.lang.Process tar =
          new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", root.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (tar.waitFor() != 0) {
        throw new IllegalStateException("tar could not extract " + tarball + ": " + out.strip());
      }
      LauncherNode node = new LauncherNode(root, launcherName(root));
      node.ok("unpack", tarball.toString());
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + tarball + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted extracting " + tarball, e);
    }
  }

  private static String launcherName(Path root) throws IOException {
    try (Stream<Path> bin = Files.list(root.resolve("bin"))) {
      List<String> names =
          bin.filter(Files::isExecutable)
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.contains("."))
              .toList();
      if (names.size() != 1) {
        throw new IllegalStateException(
            "expected one launcher in " + root.resolve("bin") + ", found " + names);
      }
      return names.getFirst();
    }
  }

  public Path root() {
    return root;
  }

  /** The launcher's name, the release's: {@code bin/<name>}. */
  public String name() {
    return name;
  }

  /**
   * Sets an environment variable for the commands run from now on, and so for the node they start:
   * {@code env("MOLT_CONFIG_OCTOCHAT_PORT", "4041")} overrides a config value.
   */
  public LauncherNode env(String variable, String value) {
    environment.put(variable, value);
    return this;
  }

  /** Runs {@code bin/<name> args...}. */
  public Run run(String... args) {
    return type(null, args);
  }

  /**
   * Runs {@code bin/<name> args...} with {@code input} as what is typed into it (the console, say);
   * null types nothing.
   */
  public Run type(String input, String... args) {
    List<String> command = new ArrayList<>(List.of(root.resolve("bin").resolve(name).toString()));
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(environment);
      java.lang.Process process = builder.start();
      try (var keys = process.getOutputStream()) {
        if (input != null) {
          keys.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      String out =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "bin/" + name + " " + String.join(" ", args) + " did not finish in 120 s");
      }
      return new Run(process.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  /** Runs {@code bin/<name> args...}; its output, or an {@link AssertionError} with it. */
  public String ok(String... args) {
    Run run = run(args);
    if (run.code() != 0) {
      throw new AssertionError(
          "bin/"
              + name
              + " "
              + String.join(" ", args)
              + " failed ("
              + run.code()
              + "): "
              + run.out());
    }
    return run.out();
  }

  /** {@code bin/<name> eval CODE}: the value of Java code run in the node, as it prints it. */
  public String eval(String code) {
    return ok("eval", code);
  }

  /**
   * Starts, inside the node, a process that evaluates the Java expression {@code call} without
   * pause and counts calls, failed calls (an exception, or a value whose {@code String.valueOf} is
   * not {@code expected}) and the longest call. Read the counts with {@link #load(int)}; returns
   * the load's number.
   */
  public int startLoad(String call, String expected) {
    int n = ++loads;
    eval(
        """
        var load = new java.util.concurrent.atomic.AtomicLongArray(3);
        System.getProperties().put("molt.testkit.load.%d", load);
        dev.molt.Process.spawn(() -> {
          while (true) {
            long start = System.nanoTime();
            try {
              if (!%s.equals(String.valueOf(%s))) { load.incrementAndGet(1); }
            } catch (RuntimeException e) {
              load.incrementAndGet(1);
            }
            long took = System.nanoTime() - start;
            load.incrementAndGet(0);
            if (took > load.get(2)) { load.set(2, took); }
          }
        });
        """
            .formatted(n, javaString(expected), call));
    return n;
  }

  /** What the load numbered {@code n} has counted so far. */
  public Load load(int n) {
    String out =
        eval(
            "((java.util.concurrent.atomic.AtomicLongArray) System.getProperties().get(\"molt.testkit.load."
                + n
                + "\")).toString()");
    String[] parts = out.replaceAll("[\"\\[\\] ]", "").split(",");
    return new Load(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  private static String javaString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /** The node's log, oldest first: its rotated files ({@code node.<n>.log}), then node.log. */
  public String log() {
    StringBuilder all = new StringBuilder();
    try {
      for (int n = 20; n >= 1; n--) {
        Path rotated = root.resolve("log/node." + n + ".log");
        if (Files.exists(rotated)) {
          all.append(Files.readString(rotated));
        }
      }
      Path log = root.resolve("log/node.log");
      return Files.exists(log) ? all.append(Files.readString(log)).toString() : all.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the log under " + root + ": " + e, e);
    }
  }

  /** Stops the node if it runs (with none, {@code bin/<name> stop} says so and exits 3). */
  @Override
  public void close() {
    run("stop");
  }
}
