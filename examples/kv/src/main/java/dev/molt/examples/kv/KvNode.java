package dev.molt.examples.kv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A kv release root driven through its launcher, {@code bin/kv}, as a user drives it: each command
 * a JVM of its own. Used by the release demo and its test.
 */
public final class KvNode implements AutoCloseable {
  /** A command's exit code and output (stdout and stderr). */
  public record Run(int code, String out) {}

  private final Path root;

  private KvNode(Path root) {
    this.root = root;
  }

  /**
   * Extracts {@code tarball} into {@code root} (with tar, as a user would) and unpacks it there.
   */
  public static KvNode extract(Path tarball, Path root) throws IOException, InterruptedException {
    Files.createDirectories(root);
    Process tar =
        new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", root.toString())
            .inheritIO()
            .start();
    if (tar.waitFor() != 0) {
      throw new IllegalStateException("tar could not extract " + tarball);
    }
    KvNode node = new KvNode(root);
    node.ok("unpack", tarball.toString());
    return node;
  }

  public Path root() {
    return root;
  }

  /** Runs {@code bin/kv args...}. */
  public Run run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(root.resolve("bin/kv").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "bin/kv " + String.join(" ", args) + " did not finish in 120 s");
    }
    return new Run(process.exitValue(), out);
  }

  /** Runs {@code bin/kv args...} with {@code input} as what is typed into it (the console, say). */
  public Run type(String input, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(root.resolve("bin/kv").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var keys = process.getOutputStream()) {
      keys.write(input.getBytes(StandardCharsets.UTF_8));
    }
    String out =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "bin/kv " + String.join(" ", args) + " did not finish in 120 s");
    }
    return new Run(process.exitValue(), out);
  }

  /** Runs {@code bin/kv args...}; its output, or an exception with it if it failed. */
  public String ok(String... args) throws IOException, InterruptedException {
    Run run = run(args);
    if (run.code() != 0) {
      throw new IllegalStateException(
          "bin/kv " + String.join(" ", args) + " failed (" + run.code() + "): " + run.out());
    }
    return run.out();
  }

  /**
   * Starts, inside the node, a process that calls {@code KV.get("a")} without pause and counts
   * calls, failed calls (an exception, or anything but 42) and the longest call.
   */
  public void startLoad() throws IOException, InterruptedException {
    ok(
        "eval",
        """
        var load = new java.util.concurrent.atomic.AtomicLongArray(3);
        System.getProperties().put("kv.load", load);
        dev.molt.Process.spawn(() -> {
          while (true) {
            long start = System.nanoTime();
            try {
              if (!Integer.valueOf(42).equals(KV.get("a"))) { load.incrementAndGet(1); }
            } catch (RuntimeException e) {
              load.incrementAndGet(1);
            }
            long took = System.nanoTime() - start;
            load.incrementAndGet(0);
            if (took > load.get(2)) { load.set(2, took); }
          }
        });
        """);
  }

  /** The load client's counts so far. */
  public record Load(long calls, long failed, long longestNanos) {}

  public Load load() throws IOException, InterruptedException {
    String out =
        ok(
            "eval",
            "((java.util.concurrent.atomic.AtomicLongArray) System.getProperties().get(\"kv.load\")).toString()");
    String[] parts = out.replaceAll("[\"\\[\\] ]", "").split(",");
    return new Load(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
  }

  /** The node's log, oldest first: its rotated files ({@code node.<n>.log}), then node.log. */
  public String log() throws IOException {
    StringBuilder all = new StringBuilder();
    for (int n = 20; n >= 1; n--) {
      Path rotated = root.resolve("log/node." + n + ".log");
      if (Files.exists(rotated)) {
        all.append(Files.readString(rotated));
      }
    }
    return all.append(Files.readString(root.resolve("log/node.log"))).toString();
  }

  /** Stops the node if it runs (with none, {@code bin/kv stop} says so and exits 3). */
  @Override
  public void close() throws IOException, InterruptedException {
    run("stop");
  }
}
