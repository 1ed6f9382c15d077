package dev.molt.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.testkit.LauncherNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kv releases as a user runs them: {@code target/kv-1.0.0.tar.gz} extracted into a new root,
 * started with {@code bin/kv}, loaded with data, upgraded live to 1.1.0 under a client calling
 * without pause, and downgraded back — every step through the launcher, in JVMs of their own.
 */
class KvReleaseIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();

  @TempDir Path root;

  @Test
  void upgradeAndDowngradeUnderLoad() throws Exception {
    try (LauncherNode node = LauncherNode.extract(TARGET.resolve("kv-1.0.0.tar.gz"), root)) {
      node.ok("start");
      node.ok(
          "eval", "KV.put(\"a\", 42); for (int i = 0; i < 10_000; i++) { KV.put(\"k\" + i, i); }");
      assertThat(node.ok("eval", "KV.get(\"a\")")).isEqualTo("42");
      int load = node.startLoad("KV.get(\"a\")", "42");
      LauncherNode.Load before = node.load(load);
      assertThat(before.calls()).as("the client calls").isPositive();

      String upgraded = node.ok("upgrade", TARGET.resolve("kv-1.1.0.tar.gz").toString());
      assertThat(upgraded)
          .as("its phases as it went, then its result")
          .contains("installing release kv 1.1.0 (from 1.0.0)", "point of no return")
          .endsWith("1.1.0 is permanent");
      assertThat(upgraded.substring(upgraded.lastIndexOf('\n') + 1))
          .startsWith("upgraded to 1.1.0 from 1.0.0: 1 process suspended");
      LauncherNode.Load after = node.load(load);
      assertThat(after.calls()).as("calls went on").isGreaterThan(before.calls());
      assertThat(after.failed()).as("failed calls").isZero();

      assertThat(node.ok("releases")).isEqualTo("kv 1.0.0 old\nkv 1.1.0 permanent");
      assertThat(node.ok("eval", "KV.get(\"a\")")).isEqualTo("42");
      assertThat(node.log())
          .contains("Handling get request for a")
          .contains(
              "kv: code change from v1 (sort the keys, count requests): 10001 keys, now sorted");
      assertThat(
              node.ok(
                  "eval",
                  "Sys.getState(dev.molt.Process.whereis(\"kv\").get()).toString().contains(\"requests=\")"))
          .isEqualTo("true");

      String downgraded = node.ok("downgrade", "1.0.0");
      assertThat(downgraded)
          .contains("\ndowngraded to 1.0.0 from 1.1.0")
          .endsWith("1.0.0 is permanent");
      assertThat(node.ok("eval", "KV.get(\"a\")")).isEqualTo("42");
      assertThat(node.ok("eval", "KV.get(\"k9999\")")).as("state intact").isEqualTo("9999");
      assertThat(
              node.ok(
                  "eval",
                  "Sys.getState(dev.molt.Process.whereis(\"kv\").get()).toString().contains(\"requests=\")"))
          .as("1.0.0's state again")
          .isEqualTo("false");
      assertThat(node.load(load).failed()).as("failed calls, after the downgrade too").isZero();
      assertThat(node.ok("releases")).isEqualTo("kv 1.0.0 permanent\nkv 1.1.0 old");
    }
  }

  @Test
  void theConsoleRecompilesKvFromTheSourcesItsJarRecorded() throws Exception {
    try (LauncherNode node = LauncherNode.extract(TARGET.resolve("kv-1.0.0.tar.gz"), root)) {
      node.ok("start");
      LauncherNode.Run console =
          node.type(
              "KV.put(\"a\", 42)\nr kv\nKV.get(\"a\")\nmodules\n",
              "remote",
              "--history",
              root.resolve("history").toString());
      assertThat(console.code()).as(console.out()).isZero();
      assertThat(console.out())
          .contains("Molt console on release kv 1.0.0")
          .contains("\"ok\"")
          .contains("of kv")
          .contains("reloaded [kv@2], relinked []; processes migrated 1, failed 0")
          .contains("the node keeps running");
      assertThat(console.out().substring(console.out().indexOf("processes migrated")))
          .contains("42");
      assertThat(node.ok("eval", "KV.get(\"a\")")).as("state kept by the reload").isEqualTo("42");
      node.ok("stop");
    }
  }

  @Test
  void aBrokenUpgradeRollsBackAndTheNodeKeepsServing() throws Exception {
    try (LauncherNode node = LauncherNode.extract(TARGET.resolve("kv-1.0.0.tar.gz"), root)) {
      node.ok("start");
      node.ok("upgrade", TARGET.resolve("kv-1.1.0.tar.gz").toString());
      node.ok("eval", "KV.put(\"a\", 42); KV.put(\"poison\", 1);");
      String stateBefore =
          node.ok("eval", "Sys.getState(dev.molt.Process.whereis(\"kv\").get()).toString()");
      int load = node.startLoad("KV.get(\"a\")", "42");

      node.ok("unpack", TARGET.resolve("kv-1.2.0.tar.gz").toString());
      LauncherNode.Run install = node.run("install", "1.2.0");
      assertThat(install.code()).isEqualTo(1);
      assertThat(install.out())
          .as("its phases up to the failure, the rollback, then the error")
          .contains(
              "steps 3-5 of 8: suspend kv, switch and code_change: 1 process",
              "failed at suspend kv, switch and code_change kv; rolling back\n");
      assertThat(install.out().substring(install.out().lastIndexOf('\n') + 1))
          .startsWith("error: install of kv 1.2.0 failed at suspend kv, switch and code_change kv")
          .contains("was rolled back; kv 1.1.0 is still running")
          .contains("kv 1.2.0 cannot migrate a state with the key poison");

      assertThat(node.ok("releases"))
          .isEqualTo("kv 1.0.0 old\nkv 1.1.0 permanent\nkv 1.2.0 unpacked");
      String stateAfter =
          node.ok("eval", "Sys.getState(dev.molt.Process.whereis(\"kv\").get()).toString()");
      assertThat(stateAfter.replaceAll("requests=[0-9]+", ""))
          .as("same state, but for the requests served since")
          .isEqualTo(stateBefore.replaceAll("requests=[0-9]+", ""));
      assertThat(
              node.ok(
                  "eval",
                  "CodeServer.which(\"kv\").get().version() == Sys.getStatus(dev.molt.Process.whereis(\"kv\").get()).version()"))
          .as("the server is on the current (1.1.0) code")
          .isEqualTo("true");
      assertThat(node.ok("eval", "KV.get(\"a\")")).as("still serving").isEqualTo("42");
      assertThat(node.load(load).failed()).as("failed calls").isZero();
    }
  }
}
