package dev.molt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.molt.behaviour.GenServer;
import dev.molt.release.InstallResult;
import dev.molt.release.TestReleases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * {@link UpgradeTest} and {@link BootRelease} on real release tarballs (a store server under a
 * supervisor, in two versions with a code change), booted in this JVM one test after another.
 */
class UpgradeTestTest {
  static final String DIR = "target/testkit-releases";
  static final String STORE = "storetk";
  static final String FIRST_ONLY = "target/testkit-first-release";

  @BeforeAll
  static void buildReleases() throws IOException {
    Path dir = Files.createDirectories(Path.of(DIR));
    Path work = Files.createTempDirectory(Path.of("target"), "testkit-build-");
    TestReleases r = new TestReleases(work, "tk");
    Files.copy(
        r.release("1.0.0", null, r.jar("1.0.0", r.v1(), api("v1"), List.of()), null),
        dir.resolve(r.release + "-1.0.0.tar.gz"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        r.release(
            "1.1.0",
            "1.0.0",
            r.jar("1.1.0", r.v2(), api("v2"), List.of()),
            r.appup("1.1.0", "1.0.0")),
        dir.resolve(r.release + "-1.1.0.tar.gz"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        dir.resolve(r.release + "-1.0.0.tar.gz"),
        Files.createDirectories(Path.of(FIRST_ONLY)).resolve(r.release + "-1.0.0.tar.gz"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static Map<String, String> api(String version) {
    return Map.of(
        "Api",
        "public final class Api { static String hello(String who, int times) {"
            + " return \"hello \" + who + \" x\" + times + \" from "
            + version
            + "\"; } }");
  }

  private static Object call(String request) {
    return GenServer.call(STORE, request);
  }

  @UpgradeTest(from = "1.0.0", to = "1.1.0", dir = DIR)
  void upgradesAndDowngradesUnderLoadWithoutAFailedCall(Upgrade upgrade) {
    assertThat(upgrade.node().current()).isEqualTo("1.0.0");
    call("put a 42");
    try (Load load = upgrade.load(2, () -> call("get a"), "42"::equals)) {
      load.awaitCalls(200);
      InstallResult up = upgrade.upgrade();
      assertThat(up.suspended()).isEqualTo(1);
      assertThat(call("version")).isEqualTo("v2");
      assertThat(call("get a")).isEqualTo("42");
      assertThat(upgrade.invoke("test.rel.storetk.Api", "hello", "you", 1))
          .isEqualTo("hello you x1 from v2");
      load.awaitCalls(200);
      upgrade.downgrade();
      assertThat(call("version")).isEqualTo("v1");
      assertThat(upgrade.node().current()).isEqualTo("1.0.0");
      load.awaitCalls(200);
      Load.Report report = load.stop().assertClean();
      assertThat(report.calls()).isGreaterThanOrEqualTo(600);
      assertThat(report.maxMicros()).isPositive();
    }
  }

  @UpgradeTest(dir = DIR)
  void withNoVersionsItUpgradesTheNewestReleaseFromTheOneItDeclares(Upgrade upgrade) {
    assertThat(upgrade.from()).isEqualTo("1.0.0");
    assertThat(upgrade.to()).isEqualTo("1.1.0");
    upgrade.upgrade();
    assertThat(call("version")).isEqualTo("v2");
  }

  @Test
  void aFirstReleaseHasNoUpgradeToTestAndTheTestIsSkippedSayingSo() {
    Events tests =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(FirstRelease.class))
            .execute()
            .testEvents();
    tests.assertStatistics(stats -> stats.started(1).aborted(1));
    assertThat(
            tests.aborted().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class))
                .map(r -> r.orElseThrow().getThrowable().orElseThrow().getMessage()))
        .containsExactly("release reltk 1.0.0 upgrades from no release: nothing to test yet");
  }

  @Test
  void versionsCompareNumberByNumber() {
    assertThat(Versions.compare("1.10.0", "1.9.0")).isPositive();
    assertThat(Versions.compare("1.0.0", "1.0.0")).isZero();
    assertThat(Versions.compare("2.0", "2.0.1")).isNegative();
    assertThat(Versions.compare("1.0.0-rc1", "1.0.0-rc2")).isNegative();
  }

  @UpgradeTest(from = "1.0.0", to = "1.1.0", dir = DIR)
  void aFailedUpgradeNamesThePathTheStepAndTheProcess(Upgrade upgrade) {
    call("put poison 1");
    assertThatThrownBy(upgrade::upgrade)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "upgrade of reltk 1.0.0 -> 1.1.0 failed (rolled back, 1.0.0 still runs)")
        .hasMessageContaining("failed at suspend " + STORE)
        .hasMessageContaining("cannot migrate the poison key")
        .hasMessageContaining("code changes that failed:\n  process <")
        .hasMessageContaining("module " + STORE + " v");
    assertThat(upgrade.node().current()).isEqualTo("1.0.0");
    assertThat(call("version")).isEqualTo("v1");
  }

  @Test
  @BootRelease(value = "1.1.0", dir = DIR)
  void bootRelease_bootsTheVersionInProcess(InProcessNode node) {
    assertThat(node.name()).isEqualTo("reltk");
    assertThat(node.current()).isEqualTo("1.1.0");
    assertThat(call("version")).isEqualTo("v2");
  }

  @Test
  @BootRelease(value = "1.0.0", dir = DIR)
  void invokeCallsTheCurrentVersionsStaticMethodAndSaysWhatIsMissing(InProcessNode node) {
    String store = "test.rel.storetk.Store";
    String api = "test.rel.storetk.Api";
    assertThat(node.invoke(api, "hello", "you", 2)).isEqualTo("hello you x2 from v1");
    assertThatThrownBy(() -> node.invoke(api, "hello", "you", "2"))
        .hasMessage(api + " has no static method hello taking (String, String)");
    assertThatThrownBy(() -> node.invoke(store, "init", 1))
        .hasMessage(store + " has no static method init taking (Integer)");
    assertThatThrownBy(() -> node.invoke("java.lang.Integer", "valueOf", "7"))
        .hasMessage("no module of reltk 1.0.0 defines java.lang.Integer");
    assertThatThrownBy(() -> node.invoke("test.rel.storetk.Nothing", "x"))
        .hasMessage("no module of reltk 1.0.0 defines test.rel.storetk.Nothing");
  }

  @Test
  void whatCannotBeBootedIsSaidInWords() {
    Events tests =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(Misused.class))
            .execute()
            .testEvents();
    tests.assertStatistics(stats -> stats.started(3).failed(3));
    assertThat(
            tests.failed().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class))
                .map(r -> r.orElseThrow().getThrowable().orElseThrow().getMessage())
                .toList())
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("no release in ")
                    .contains(
                        "with tarballs of [1.0.0, 9.9.9]; no tarball of [9.9.9] (there are of"
                            + " [1.0.0]); build them first (mvn package)"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("an Upgrade parameter needs @UpgradeTest(from = ..., to = ...)"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains(
                        "a LauncherNode parameter needs @BootRelease(\"<version>\") on the test"));
  }

  /** Run by {@link #aFirstReleaseHasNoUpgradeToTestAndTheTestIsSkippedSayingSo} only. */
  static class FirstRelease {
    @UpgradeTest(dir = FIRST_ONLY)
    void upgrade(Upgrade upgrade) {}
  }

  /** Run by {@link #whatCannotBeBootedIsSaidInWords} only (a nested class Surefire skips). */
  static class Misused {
    @UpgradeTest(from = "1.0.0", to = "9.9.9", dir = DIR)
    void aVersionWithNoTarball(Upgrade upgrade) {}

    @Test
    @ExtendWith(ReleaseExtension.class)
    void anUpgradeWithoutItsAnnotation(Upgrade upgrade) {}

    @Test
    @ExtendWith(ReleaseExtension.class)
    void aNodeWithoutItsVersion(LauncherNode node) {}
  }
}
