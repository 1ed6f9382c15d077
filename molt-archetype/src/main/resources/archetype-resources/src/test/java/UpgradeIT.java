package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.testkit.Load;
import dev.molt.testkit.Upgrade;
import dev.molt.testkit.UpgradeTest;

/**
 * The upgrade this build's release declares (molt.upgradeFrom in the pom) and its downgrade, in
 * this JVM on the release tarballs, under load. Skipped for the first release: it has nothing to
 * upgrade from.
 */
class UpgradeIT {
  private static final String COUNTER = "${package}.Counter";

  @UpgradeTest
  void countsSurviveTheUpgradeAndTheDowngradeUnderLoad(Upgrade upgrade) {
    upgrade.invoke(COUNTER, "hit", "before");
    try (Load load =
        upgrade.load(2, () -> upgrade.invoke(COUNTER, "hit", "load"), n -> n instanceof Long)) {
      load.awaitCalls(200);
      upgrade.upgrade();
      assertThat(upgrade.invoke(COUNTER, "count", "before")).isEqualTo(1L);
      load.awaitCalls(200);
      upgrade.downgrade();
      assertThat(upgrade.invoke(COUNTER, "count", "before")).isEqualTo(1L);
      load.awaitCalls(200);
      load.stop().assertClean();
    }
  }
}
