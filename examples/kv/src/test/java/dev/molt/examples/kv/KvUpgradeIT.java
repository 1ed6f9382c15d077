package dev.molt.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.sys.Sys;
import dev.molt.testkit.Load;
import dev.molt.testkit.Upgrade;
import dev.molt.testkit.UpgradeTest;

/**
 * kv 1.0.0 to 1.1.0 and back, proven in this JVM from the tarballs the build made: the keys survive
 * both ways, the state takes 1.1.0's shape and back, and a client calling without pause sees no
 * failed or wrong call.
 */
class KvUpgradeIT {
  private static final String KV = "dev.molt.examples.kv.KV";

  @UpgradeTest(from = "1.0.0", to = "1.1.0")
  void keysSurviveTheUpgradeAndTheDowngradeUnderLoad(Upgrade upgrade) {
    upgrade.invoke(KV, "put", "a", 42);
    for (int i = 0; i < 1_000; i++) {
      upgrade.invoke(KV, "put", "k" + i, i);
    }
    try (Load load =
        upgrade.load(4, () -> upgrade.invoke(KV, "get", "a"), answer -> answer.equals(42))) {
      load.awaitCalls(500);

      upgrade.upgrade();
      assertThat(state()).startsWith("State[data={a=42, k0=0, k1=1, k10=10").contains("requests=");
      assertThat(upgrade.invoke(KV, "get", "k999")).isEqualTo(999);
      load.awaitCalls(500);

      upgrade.downgrade();
      assertThat(state()).startsWith("State[data={").doesNotContain("requests=");
      assertThat(upgrade.invoke(KV, "get", "k999")).isEqualTo(999);
      load.awaitCalls(500);

      System.out.println("kv 1.0.0 -> 1.1.0 -> 1.0.0 under load: " + load.stop().assertClean());
    }
  }

  private static String state() {
    return Sys.getState(dev.molt.Process.whereis("kv").orElseThrow()).toString();
  }
}
