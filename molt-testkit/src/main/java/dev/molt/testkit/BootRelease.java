package dev.molt.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Boots release {@link #version()} for each test of the annotated method or class, on a temporary
 * root, and hands it to the test as its parameter: an {@link InProcessNode} (booted in this JVM) or
 * a {@link LauncherNode} (extracted with {@code tar} and started with {@code bin/<name> start}).
 * After the test the release is stopped and the root deleted.
 *
 * <pre>{@code
 * @Test
 * @BootRelease("1.0.0")
 * void startsFromItsTarball(LauncherNode node) {
 *   assertThat(node.eval("KV.get(\"a\")")).isEqualTo("null");
 * }
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ReleaseExtension.class)
public @interface BootRelease {
  /** The release's version. */
  String value();

  /** The release's name; empty: the only release in {@link #dir()} with that version. */
  String release() default "";

  /** Where the tarballs are, relative to the working directory (the project's, under Maven). */
  String dir() default "target";
}
