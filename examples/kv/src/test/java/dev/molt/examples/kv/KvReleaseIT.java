package dev.molt.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kv releases as a user runs them: {@code target/kv-1.0.0.tar.gz} extracted into a new root,
 * started with {@code bin/kv}, loaded with data, upgraded live to 1.1.0 under a client calling
 * without pause, and downgraded back — every step through the launcher, in JVMs of their own.
 */
class KvReleaseIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();

  @TempDir
  Path root;

  record Run(int code, String out) {}

  private Run kv(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(root.resolve("bin/kv").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out);
  }

  private Run ok(String... args) throws Exception {
    Run run = kv(args);
    assertThat(run.code()).as(String.join(" ", args) + ": " + run.out()).isZero();
    return run;
  }

  /** [calls, failed calls, longest call in ns] of the client started in the node. */
  private long[] load() throws Exception {
    String out = ok("eval", "((java.util.concurrent.atomic.AtomicLongArray) System.getProperties().get(\"kv.load\")).toString()").out();
    String[] parts = out.replaceAll("[\"\\[\\] ]", "").split(",");
    return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2])};
  }

  @AfterEach
  void stop() throws Exception {
    if (Files.exists(root.resolve("tmp/node.pid"))) {
      kv("stop");
    }
  }

  @Test
  void upgradeAndDowngradeUnderLoad() throws Exception {
    Process tar = new ProcessBuilder("tar", "xzf", TARGET.resolve("kv-1.0.0.tar.gz").toString(), "-C", root.toString()).start();
    assertThat(tar.waitFor()).isZero();
    assertThat(ok("unpack", TARGET.resolve("kv-1.0.0.tar.gz").toString()).out()).isEqualTo("unpacked 1.0.0");
    ok("start");
    ok("eval", "KV.put(\"a\", 42); for (int i = 0; i < 10_000; i++) { KV.put(\"k\" + i, i); }");
    assertThat(ok("eval", "KV.get(\"a\")").out()).isEqualTo("42");

    ok("eval", """
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
    long[] before = load();
    assertThat(before[0]).as("the client calls").isPositive();

    Run upgraded = ok("upgrade", TARGET.resolve("kv-1.1.0.tar.gz").toString());
    assertThat(upgraded.out()).startsWith("upgraded to 1.1.0 from 1.0.0: 1 processes suspended").endsWith("1.1.0 is permanent");
    long[] after = load();
    assertThat(after[0]).as("calls went on").isGreaterThan(before[0]);
    assertThat(after[1]).as("failed calls").isZero();

    assertThat(ok("releases").out()).isEqualTo("kv 1.0.0 old\nkv 1.1.0 permanent");
    assertThat(ok("eval", "KV.get(\"a\")").out()).isEqualTo("42");
    assertThat(Files.readString(root.resolve("log/node.log"))).contains("Handling get request for a")
        .contains("kv: code change from v1 (sort the keys, count requests): 10001 keys, now sorted");
    assertThat(ok("eval", "Sys.getState(dev.molt.Process.whereis(\"kv\").get()).toString().contains(\"requests=\")").out())
        .isEqualTo("true");

    Run downgraded = ok("downgrade", "1.0.0");
    assertThat(downgraded.out()).startsWith("downgraded to 1.0.0 from 1.1.0").endsWith("1.0.0 is permanent");
    assertThat(ok("eval", "KV.get(\"a\")").out()).isEqualTo("42");
    assertThat(ok("eval", "KV.get(\"k9999\")").out()).as("state intact").isEqualTo("9999");
    assertThat(ok("eval", "Sys.getState(dev.molt.Process.whereis(\"kv\").get()).toString().contains(\"requests=\")").out())
        .as("1.0.0's state again").isEqualTo("false");
    assertThat(load()[1]).as("failed calls, after the downgrade too").isZero();
    assertThat(ok("releases").out()).isEqualTo("kv 1.0.0 permanent\nkv 1.1.0 old");
  }
}
