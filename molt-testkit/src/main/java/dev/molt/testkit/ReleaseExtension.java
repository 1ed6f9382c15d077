package dev.molt.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Boots the releases of {@link UpgradeTest} and {@link BootRelease} for the test's parameters, and
 * stops them and deletes their roots after it.
 */
final class ReleaseExtension implements BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ReleaseExtension.class);

  /**
   * Finds the versions of an {@link UpgradeTest} before the test runs: a first release, with none
   * to upgrade from, skips it here (an abort while resolving a parameter would fail it).
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    context
        .getTestMethod()
        .flatMap(m -> AnnotationSupport.findAnnotation(m, UpgradeTest.class))
        .ifPresent(
            test ->
                context
                    .getStore(NAMESPACE)
                    .put(
                        Versions.class,
                        Versions.of(
                            Path.of(test.dir()).toAbsolutePath(),
                            test.release(),
                            test.from(),
                            test.to())));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Upgrade.class || type == InProcessNode.class || type == LauncherNode.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    Path root = temporaryRoot(context);
    if (type == Upgrade.class) {
      UpgradeTest test =
          context
              .getTestMethod()
              .flatMap(m -> AnnotationSupport.findAnnotation(m, UpgradeTest.class))
              .orElseThrow(
                  () ->
                      new ParameterResolutionException(
                          "an Upgrade parameter needs @UpgradeTest(from = ..., to = ...)"));
      Path dir = Path.of(test.dir()).toAbsolutePath();
      Versions versions = context.getStore(NAMESPACE).get(Versions.class, Versions.class);
      String name = releaseName(dir, versions.release(), versions.from(), versions.to());
      Upgrade upgrade =
          Upgrade.boot(
              tarball(dir, name, versions.from()), tarball(dir, name, versions.to()), root);
      closeAfter(context, upgrade.node()::close);
      return upgrade;
    }
    BootRelease boot =
        findBootRelease(context)
            .orElseThrow(
                () ->
                    new ParameterResolutionException(
                        "a "
                            + type.getSimpleName()
                            + " parameter needs @BootRelease(\"<version>\") on the test or its class"));
    Path dir = Path.of(boot.dir()).toAbsolutePath();
    Path tarball = tarball(dir, releaseName(dir, boot.release(), boot.value()), boot.value());
    if (type == InProcessNode.class) {
      InProcessNode node = InProcessNode.boot(tarball, root);
      closeAfter(context, node::close);
      return node;
    }
    LauncherNode node = LauncherNode.extract(tarball, root);
    closeAfter(context, node::close);
    node.ok("start");
    return node;
  }

  private static Optional<BootRelease> findBootRelease(ExtensionContext context) {
    Optional<AnnotatedElement> method = context.getTestMethod().map(m -> m);
    return method
        .flatMap(m -> AnnotationSupport.findAnnotation(m, BootRelease.class))
        .or(
            () ->
                context
                    .getTestClass()
                    .flatMap(c -> AnnotationSupport.findAnnotation(c, BootRelease.class)));
  }

  /**
   * The release in {@code dir} that has a tarball of every version: {@code name} if given, else the
   * only one.
   */
  static String releaseName(Path dir, String name, String... versions) {
    if (!name.isEmpty()) {
      return name;
    }
    String suffix = "-" + versions[0] + ".tar.gz";
    List<String> names;
    try (Stream<Path> files = Files.list(dir)) {
      names =
          files
              .map(p -> p.getFileName().toString())
              .filter(f -> f.endsWith(suffix))
              .map(f -> f.substring(0, f.length() - suffix.length()))
              .filter(
                  n ->
                      Stream.of(versions)
                          .allMatch(v -> Files.isRegularFile(dir.resolve(n + "-" + v + ".tar.gz"))))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new ParameterResolutionException(
          "no release tarballs: cannot list "
              + dir
              + " ("
              + e
              + "); build them first (mvn package)");
    }
    if (names.size() != 1) {
      String missing = "";
      if (names.isEmpty()) {
        List<String> found = new java.util.ArrayList<>();
        for (String v : versions) {
          try (Stream<Path> files = Files.list(dir)) {
            if (files.anyMatch(p -> p.getFileName().toString().endsWith("-" + v + ".tar.gz"))) {
              found.add(v);
            }
          } catch (IOException e) {
            // said below: no release
          }
        }
        missing =
            "; no tarball of "
                + Stream.of(versions).filter(v -> !found.contains(v)).toList()
                + (found.isEmpty() ? "" : " (there are of " + found + ")");
      }
      throw new ParameterResolutionException(
          (names.isEmpty() ? "no release" : "releases " + names)
              + " in "
              + dir
              + " with tarballs of "
              + List.of(versions)
              + missing
              + (names.isEmpty()
                  ? "; build them first (mvn package), and run this test after package (Failsafe)"
                  : "; name one with release = \"...\""));
    }
    return names.getFirst();
  }

  static Path tarball(Path dir, String name, String version) {
    Path tarball = dir.resolve(name + "-" + version + ".tar.gz");
    if (!Files.isRegularFile(tarball)) {
      throw new ParameterResolutionException(
          "no release tarball "
              + tarball
              + "; build it first (mvn package), and run this test after package (Failsafe)");
    }
    return tarball;
  }

  private static Path temporaryRoot(ExtensionContext context) {
    try {
      Path root = Files.createTempDirectory("molt-test-");
      closeAfter(context, () -> delete(root));
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a temporary root: " + e, e);
    }
  }

  /** Runs {@code close} when the test is over; the last registered runs first. */
  private static void closeAfter(ExtensionContext context, Runnable close) {
    context.getStore(NAMESPACE).put(new Object(), (AutoCloseable) close::run);
  }

  private static void delete(Path root) {
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + ": " + e, e);
    }
  }
}
