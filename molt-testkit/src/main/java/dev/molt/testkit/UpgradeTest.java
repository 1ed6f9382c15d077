package dev.molt.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test of the upgrade from one release to another: before it runs, release {@link #from()} is
 * booted in this JVM on a temporary root and {@link #to()} is unpacked next to it; the test gets an
 * {@link Upgrade} to drive them. After it, the release is stopped and the root deleted.
 *
 * <pre>{@code
 * @UpgradeTest(from = "1.0.0", to = "1.1.0")
 * void keysSurvive(Upgrade upgrade) {
 *   upgrade.invoke("com.example.KV", "put", "a", 42);
 *   try (Load load = upgrade.load(() -> upgrade.invoke("com.example.KV", "get", "a"), 42)) {
 *     upgrade.upgrade();
 *     assertThat(upgrade.invoke("com.example.KV", "get", "a")).isEqualTo(42);
 *     upgrade.downgrade();
 *     load.stop().assertClean();
 *   }
 * }
 * }</pre>
 *
 * The tarballs are {@code <dir>/<release>-<version>.tar.gz}, as the Maven plugin writes them in
 * {@code target/}: run such tests after {@code package}, with the Failsafe plugin ({@code *IT}). A
 * project that builds one release per version, from one source tree, writes {@code @UpgradeTest}
 * with no versions: it tests the upgrade from the release this build's release upgrades from (read
 * into {@code target/} by the plugin) to this build's.
 */
@API(status = EXPERIMENTAL, since = "0.1")
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Test
@ExtendWith(ReleaseExtension.class)
public @interface UpgradeTest {
  /**
   * The release booted first; empty: the one {@link #to()} declares it upgrades from (its
   * descriptor's {@code upgrade_from}, the first if several). If it declares none, the test is
   * skipped: a project's first release has nothing to upgrade from.
   */
  String from() default "";

  /** The release upgraded to; empty: the newest in {@link #dir()}, the one the build just made. */
  String to() default "";

  /** The release's name; empty: the only release in {@link #dir()} with both versions. */
  String release() default "";

  /** Where the tarballs are, relative to the working directory (the project's, under Maven). */
  String dir() default "target";
}
