package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeServer;
import dev.molt.release.ReleaseStatus.Status;
import dev.molt.sys.Sys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release handler in this JVM, on real tarballs, real files and real class loaders. */
class ReleaseHandlerTest {
  private static final AtomicInteger TAGS = new AtomicInteger();

  @TempDir Path work;

  private final String tag = "h" + TAGS.incrementAndGet();

  private TestReleases releases() {
    return new TestReleases(work, tag);
  }

  private ReleaseHandler bootedOn1(TestReleases r) throws IOException {
    ReleaseHandler handler = ReleaseHandler.open(work.resolve("root"));
    assertThat(handler.unpack(r.release("1.0.0", null, r.v1()))).isEqualTo("1.0.0");
    assertThat(handler.boot()).isEqualTo("1.0.0");
    return handler;
  }

  private static Object call(TestReleases r, String request) {
    return GenServer.call(r.registered, request);
  }

  @Test // issue 14: a hand-written appup without its changed module reported 1.1.0 on 1.0.0's code
  void aRelupThatLeavesAChangedModuleOnOldCodeIsRefusedBeforeAnythingChanges() throws Exception {
    TestReleases r = new TestReleases(work, "hx");
    ReleaseHandler handler = bootedOn1(r);
    handler.unpack(
        r.release(
            "1.1.0",
            "1.0.0",
            r.jar("1.1.0", r.v2()),
            r.appup("1.1.0", "1.0.0", "restart_application " + r.app)));
    String refusal =
        "the relup of "
            + r.release
            + " 1.1.0 from 1.0.0 leaves "
            + r.app
            + " on 1.0.0's code, though 1.1.0 has other code for it";
    assertThatThrownBy(() -> handler.checkInstall("1.1.0")).hasMessageStartingWith(refusal);
    assertThatThrownBy(() -> handler.upgrade("1.1.0"))
        .hasMessageStartingWith(refusal)
        .hasMessageContaining("the appup must update it (update <module>) or load it");
    assertThat(handler.current()).contains("1.0.0");
    assertThat(call(r, "version")).isEqualTo("v1");
  }

  @Test
  void unpackBootInstallAndMakePermanentUnderLoad() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    assertThat(handler.whichReleases())
        .containsExactly(new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT));
    assertThat(call(r, "put a 42")).isEqualTo("ok");
    for (int i = 0; i < 1_000; i++) {
      call(r, "put k" + i + " " + i);
    }
    assertThat(call(r, "version")).isEqualTo("v1");

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong calls = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    java.util.concurrent.CountDownLatch left = new java.util.concurrent.CountDownLatch(1);
    Process.spawn(
        () -> {
          while (!stop.get()) {
            try {
              if (!"42".equals(call(r, "get a"))) {
                failures.incrementAndGet();
              }
            } catch (RuntimeException e) {
              failures.incrementAndGet();
            }
            calls.incrementAndGet();
          }
          left.countDown();
        });
    assertThat(handler.unpack(r.release("1.1.0", "1.0.0", r.v2()))).isEqualTo("1.1.0");
    assertThat(handler.checkInstall("1.1.0")).containsExactly(r.app);
    InstallResult result = handler.install("1.1.0");
    long before = calls.get();
    while (calls.get() < before + 100) {
      Thread.onSpinWait();
    }
    stop.set(true);
    assertThat(left.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    assertThat(failures.get()).as("failed calls during the upgrade").isZero();
    assertThat(result.suspended()).isEqualTo(1);
    assertThat(result.warnings()).isEmpty();
    assertThat(call(r, "version")).isEqualTo("v2");
    assertThat(call(r, "get a")).isEqualTo("42");
    String state = Sys.getState(Process.whereis(r.registered).orElseThrow()).toString();
    long requests = Long.parseLong(state.replaceAll(".*requests=([0-9]+).*", "$1"));
    assertThat(requests)
        .as("codeChange set the count to the 1,001 keys, and calls since added to it")
        .isGreaterThan(1_001);
    assertThat(handler.whichReleases())
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT),
            new ReleaseStatus(r.release, "1.1.0", Status.CURRENT));

    handler.install("1.0.0");
    assertThat(handler.whichReleases())
        .as("back to the permanent release, live")
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT),
            new ReleaseStatus(r.release, "1.1.0", Status.UNPACKED));
    assertThat(call(r, "version")).isEqualTo("v1");
    assertThat(call(r, "get a")).isEqualTo("42");
    handler.install("1.1.0");
    assertThat(call(r, "version")).isEqualTo("v2");

    handler.makePermanent("1.1.0");
    assertThat(handler.whichReleases())
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.OLD),
            new ReleaseStatus(r.release, "1.1.0", Status.PERMANENT));
    assertThat(CodeServer.oldProcessCount(r.app)).isZero();
    assertThat(ReleaseHandler.open(work.resolve("root")).whichReleases())
        .as("RELEASES on disk")
        .isEqualTo(handler.whichReleases());

    handler.downgrade("1.0.0");
    assertThat(call(r, "version")).isEqualTo("v1");
    assertThat(call(r, "get a")).isEqualTo("42");
    assertThat(call(r, "size")).isEqualTo(1_001);
    assertThat(handler.whichReleases())
        .as("a downgrade makes the release permanent, as bin/<name> downgrade does")
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT),
            new ReleaseStatus(r.release, "1.1.0", Status.OLD));
  }

  @Test
  void anUpgradeFromATarballUnpacksInstallsAndMakesPermanentInOneStep() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    call(r, "put a 42");

    InstallResult result = handler.upgrade(r.release("1.1.0", "1.0.0", r.v2()));

    assertThat(result.from()).isEqualTo("1.0.0");
    assertThat(result.to()).isEqualTo("1.1.0");
    assertThat(call(r, "version")).isEqualTo("v2");
    assertThat(call(r, "get a")).isEqualTo("42");
    assertThat(handler.whichReleases())
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.OLD),
            new ReleaseStatus(r.release, "1.1.0", Status.PERMANENT));
    assertThat(CodeServer.oldProcessCount(r.app)).as("old code purged").isZero();
    assertThatThrownBy(() -> handler.upgrade("1.1.0"))
        .as("a version already running")
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already running");
  }

  @Test
  void aCodeChangeThatThrowsRollsTheWholeInstallBack() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    call(r, "put a 42");
    call(r, "put poison 1");
    Pid server = Process.whereis(r.registered).orElseThrow();
    int versionBefore = Sys.getStatus(server).version();
    String stateBefore = Sys.getState(server).toString();
    handler.unpack(r.release("1.1.0", "1.0.0", r.v2()));

    assertThatThrownBy(() -> handler.install("1.1.0"))
        .isInstanceOfSatisfying(
            InstallException.class,
            e -> {
              assertThat(e.rolledBack()).isTrue();
              assertThat(e)
                  .hasMessageContaining(
                      "failed at suspend " + r.app + ", switch and code_change " + r.app)
                  .hasMessageContaining("was rolled back")
                  .hasMessageContaining("cannot migrate the poison key");
            });
    assertThat(Process.whereis(r.registered)).contains(server);
    assertThat(Sys.getStatus(server).version()).as("old version").isEqualTo(versionBefore);
    assertThat(Sys.getState(server).toString()).as("old state").isEqualTo(stateBefore);
    assertThat(call(r, "version")).isEqualTo("v1");
    assertThat(call(r, "get a")).as("still serving").isEqualTo("42");
    assertThat(CodeServer.which(r.app).orElseThrow().version()).isEqualTo(versionBefore);
    assertThat(CodeServer.oldProcessCount(r.app)).isZero();
    assertThat(handler.whichReleases())
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT),
            new ReleaseStatus(r.release, "1.1.0", Status.UNPACKED));

    call(r, "put poison-free 1");
    Sys.replaceState(
        server,
        old -> {
          try {
            @SuppressWarnings("unchecked")
            var data = (java.util.Map<String, Object>) old.getClass().getMethod("data").invoke(old);
            data.remove("poison");
            return old;
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        });
    handler.install("1.1.0");
    assertThat(call(r, "version"))
        .as("the same release installs once the state allows it")
        .isEqualTo("v2");
  }

  @Test
  void releasesWithoutARelupPathAndThePermanentReleaseAreRefusedClearly() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    handler.unpack(r.release("2.0.0", null, r.v2()));
    assertThatThrownBy(() -> handler.install("2.0.0"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no relup path from 1.0.0 to 2.0.0");
    assertThatThrownBy(() -> handler.install("9.9.9"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no release 9.9.9 on this node");
    assertThatThrownBy(() -> handler.remove("1.0.0"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is permanent and cannot be removed");
    handler.remove("2.0.0");
    assertThat(handler.whichReleases()).extracting(ReleaseStatus::version).containsExactly("1.0.0");
    assertThat(work.resolve("root/releases/2.0.0")).doesNotExist();
    assertThat(work.resolve("root/lib/" + r.app + "-2.0.0")).doesNotExist();
    assertThat(work.resolve("root/lib/" + r.app + "-1.0.0")).isDirectory();
    assertThat(call(r, "version")).isEqualTo("v1");
  }

  @Test
  void unpackingTwiceIsHarmlessAndRELEASESIsReadBack() throws Exception {
    TestReleases r = releases();
    Path tarball = r.release("1.0.0", null, r.v1());
    ReleaseHandler handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(tarball);
    List<String> tree = TestReleases.tree(work.resolve("root"));
    handler.unpack(tarball);
    assertThat(TestReleases.tree(work.resolve("root"))).isEqualTo(tree);
    assertThat(handler.whichReleases())
        .containsExactly(new ReleaseStatus(r.release, "1.0.0", Status.UNPACKED));
    String releasesFile =
        Files.readString(work.resolve("root/releases/RELEASES"), StandardCharsets.UTF_8);
    assertThat(releasesFile)
        .contains("releases " + r.release + " {")
        .contains("release 1.0.0 unpacked");
    assertThat(ReleaseHandler.open(work.resolve("root")).whichReleases())
        .isEqualTo(handler.whichReleases());
  }

  @Test
  void supervisorChildrenComeWithTheUpgradeAndGoWithTheDowngrade() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    String cache = r.registered + "_cache";
    assertThat(Process.whereis(cache)).isEmpty();
    Path jar = r.jar("1.1.0", r.v2(), java.util.Map.of(), List.of(), true);
    handler.unpack(
        r.release(
            "1.1.0",
            "1.0.0",
            jar,
            r.appup(
                "1.1.0",
                "1.0.0",
                "update "
                    + r.app
                    + " extra=\"up\"\n    supervisor "
                    + r.supervisor()
                    + " start=[cache]",
                "update "
                    + r.app
                    + " extra=\"down\"\n    supervisor "
                    + r.supervisor()
                    + " stop=[cache]")));

    InstallResult up = handler.install("1.1.0");
    assertThat(up.warnings()).isEmpty();
    assertThat(Process.whereis(cache)).as("the new child is started").isPresent();
    assertThat(GenServer.call(cache, "version")).isEqualTo("v2");
    assertThat(
            dev.molt.behaviour.Supervisor.whichChildren(
                Process.whereis(r.supervisor()).orElseThrow()))
        .extracting(dev.molt.behaviour.ChildInfo::id)
        .containsExactly("store", "cache");

    handler.makePermanent("1.1.0");
    InstallResult down = handler.downgrade("1.0.0");
    assertThat(down.warnings()).isEmpty();
    assertThat(Process.whereis(cache)).as("stopped by the down script").isEmpty();
    assertThat(
            dev.molt.behaviour.Supervisor.whichChildren(
                Process.whereis(r.supervisor()).orElseThrow()))
        .extracting(dev.molt.behaviour.ChildInfo::id)
        .containsExactly("store");
  }

  @Test
  void aSoftPrePurgeRefusesToInstallWhileOldCodeStillRuns() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    call(r, "put a 42");
    Path jar = work.resolve("root/lib/" + r.app + "-1.0.0/" + r.app + ".jar");
    CodeServer.load(dev.molt.code.ModuleSource.jar(r.app, jar));
    assertThat(CodeServer.oldProcessCount(r.app))
        .as("the store still runs the code that is now old")
        .isEqualTo(1);
    handler.unpack(
        r.release(
            "1.1.0",
            "1.0.0",
            r.jar("1.1.0", r.v2()),
            r.appup("1.1.0", "1.0.0", "update " + r.app + " extra=\"up\" pre_purge=soft")));

    assertThatThrownBy(() -> handler.install("1.1.0"))
        .isInstanceOfSatisfying(
            InstallException.class,
            e -> {
              assertThat(e.rolledBack()).isTrue();
              assertThat(e)
                  .hasMessageContaining("failed at pre_purge " + r.app)
                  .hasMessageContaining(
                      "still has old code run by 1 processes, and its update asks for pre_purge=soft");
            });
    assertThat(CodeServer.oldProcessCount(r.app)).as("nothing was purged").isEqualTo(1);
    assertThat(call(r, "get a")).isEqualTo("42");
  }

  @Test
  void theReleaseConfigFileOverridesTheDescriptorAtBoot() throws Exception {
    TestReleases r = releases();
    java.util.Map<String, byte[]> files =
        r.files("1.0.0", r.jar("1.0.0", r.v1()), r.descriptor("1.0.0"), null, null);
    files.put(
        "releases/1.0.0/" + r.release + ".config",
        ("config " + r.app + " greeting=\"hi\" port=5050\n").getBytes(StandardCharsets.UTF_8));
    ReleaseHandler handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(r.tarball("1.0.0", files, java.util.Map.of()));
    handler.boot();
    assertThat(dev.molt.behaviour.ApplicationController.node().getEnv(r.app, "greeting"))
        .contains("hi");
    assertThat(dev.molt.behaviour.ApplicationController.node().getEnv(r.app, "port"))
        .contains(5050L);
  }

  /** Checks that {@code handler} and a handler opened afresh on its root agree, and returns it. */
  private List<ReleaseStatus> onDisk(ReleaseHandler handler) throws IOException {
    List<ReleaseStatus> fresh = ReleaseHandler.open(handler.root()).whichReleases();
    assertThat(handler.whichReleases()).as("memory and disk agree").isEqualTo(fresh);
    return fresh;
  }

  @Test // issue 12: RELEASES is written before the point of no return; a failed write rolls back
  void anInstallWhoseRELEASESCannotBeWrittenRollsBack() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    call(r, "put a 42");
    handler.unpack(r.release("1.1.0", "1.0.0", r.v2()));
    Path file = handler.root().resolve("releases/RELEASES");
    byte[] saved = Files.readAllBytes(file);
    // a directory where RELEASES goes: the rename over it fails, even for root
    Files.delete(file);
    Files.createDirectories(file.resolve("blocked"));

    assertThatThrownBy(() -> handler.install("1.1.0"))
        .isInstanceOfSatisfying(
            InstallException.class,
            e -> {
              assertThat(e.rolledBack()).isTrue();
              assertThat(e)
                  .hasMessageContaining("failed at point_of_no_return")
                  .hasMessageContaining("cannot write " + file);
            });
    assertThat(call(r, "version")).isEqualTo("v1");
    assertThat(call(r, "get a")).isEqualTo("42");
    assertThat(handler.current()).contains("1.0.0");
    assertThat(handler.whichReleases())
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT),
            new ReleaseStatus(r.release, "1.1.0", Status.UNPACKED));

    Files.delete(file.resolve("blocked"));
    Files.delete(file);
    Files.write(file, saved);
    handler.install("1.1.0");
    assertThat(call(r, "version")).isEqualTo("v2");
    assertThat(onDisk(handler))
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT),
            new ReleaseStatus(r.release, "1.1.0", Status.CURRENT));
    handler.downgrade("1.0.0");
    assertThat(call(r, "version")).as("not 'already running'").isEqualTo("v1");
    assertThat(onDisk(handler)).contains(new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT));
  }

  @Test // issue 12: the same on a disk that is really full (a 16 MB tmpfs), where one can mount
  void anInstallOnAFullDiskRollsBackAndTheNextOneGoesThrough() throws Exception {
    Path mount = Files.createDirectories(work.resolve("small-disk"));
    assumeTrue(
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start()
                .waitFor()
            == 0,
        "needs permission to mount a tmpfs");
    try {
      TestReleases r = releases();
      ReleaseHandler handler = ReleaseHandler.open(mount.resolve("root"));
      handler.unpack(r.release("1.0.0", null, r.v1()));
      handler.boot();
      handler.unpack(r.release("1.1.0", "1.0.0", r.v2()));
      Path filler = mount.resolve("filler");
      try (var out = Files.newOutputStream(filler)) {
        byte[] chunk = new byte[64 * 1024];
        while (true) {
          out.write(chunk);
        }
      } catch (IOException full) {
        assertThat(full).hasMessageContaining("No space left");
      }
      assertThatThrownBy(() -> handler.install("1.1.0"))
          .isInstanceOfSatisfying(InstallException.class, e -> assertThat(e.rolledBack()).isTrue())
          .hasMessageContaining("No space left");
      assertThat(call(r, "version")).isEqualTo("v1");
      assertThat(onDisk(handler))
          .containsExactly(
              new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT),
              new ReleaseStatus(r.release, "1.1.0", Status.UNPACKED));
      assertThat(mount.resolve("root/releases")).isDirectoryNotContaining("glob:**.tmp");

      Files.delete(filler);
      handler.upgrade("1.1.0");
      assertThat(call(r, "version")).isEqualTo("v2");
      assertThat(onDisk(handler))
          .containsExactly(
              new ReleaseStatus(r.release, "1.0.0", Status.OLD),
              new ReleaseStatus(r.release, "1.1.0", Status.PERMANENT));

      // a read-only disk: the downgrade rolls back the same way
      assertThat(remount(mount, "ro")).isZero();
      try {
        assertThatThrownBy(() -> handler.install("1.0.0"))
            .isInstanceOfSatisfying(
                InstallException.class, e -> assertThat(e.rolledBack()).isTrue())
            .hasMessageContaining("Read-only file system");
        assertThat(call(r, "version")).isEqualTo("v2");
        assertThat(handler.current()).contains("1.1.0");
      } finally {
        remount(mount, "rw");
      }
      handler.install("1.0.0");
      assertThat(call(r, "version")).isEqualTo("v1");
      assertThat(onDisk(handler)).contains(new ReleaseStatus(r.release, "1.0.0", Status.CURRENT));
    } finally {
      new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
    }
  }

  private static int remount(Path mount, String mode) throws Exception {
    return new ProcessBuilder("mount", "-o", "remount," + mode, mount.toString())
        .redirectErrorStream(true)
        .start()
        .waitFor();
  }

  @Test // issue 12: makePermanent refuses what boot would refuse
  void aReleaseThatWouldNotBootIsNotMadePermanent() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    // 1.1.0 names a start class that none of its modules has; its relup only updates the module
    String descriptor = r.descriptor("1.1.0", "1.0.0").replace(".App\n", ".Gone\n");
    String appup = r.appup("1.1.0", "1.0.0");
    String relup =
        RelupGenerator.generate(
                ReleaseDescriptor.parse("target", descriptor),
                List.of(ReleaseDescriptor.parse("source", r.descriptor("1.0.0"))),
                java.util.Map.of(r.app, Appup.parse("appup", appup)))
            .write();
    Path jar = r.jar("1.1.0", r.v2());
    handler.unpack(
        r.tarball("1.1.0", r.files("1.1.0", jar, descriptor, appup, relup), java.util.Map.of()));
    handler.install("1.1.0");
    assertThat(call(r, "version")).isEqualTo("v2");

    assertThatThrownBy(() -> handler.makePermanent("1.1.0"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "release 1.1.0 would not boot, so it is not made permanent (it stays current): application "
                + r.app
                + ": its start class "
                + r.descriptor("1.0.0")
                    .lines()
                    .filter(l -> l.strip().startsWith("start "))
                    .findFirst()
                    .orElseThrow()
                    .strip()
                    .substring(6)
                    .replace(".App", ".Gone")
                + " is in none of its modules");
    assertThat(onDisk(handler))
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT),
            new ReleaseStatus(r.release, "1.1.0", Status.CURRENT));
  }

  @Test // issue 12: a codeChange that never returns is interrupted; the install rolls back
  void aCodeChangeThatHangsIsInterruptedAndTheInstallRollsBack() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    call(r, "put hang 1");
    Pid server = Process.whereis(r.registered).orElseThrow();
    handler.unpack(r.release("1.1.0", "1.0.0", r.v2()));

    assertThatThrownBy(() -> handler.install("1.1.0"))
        .isInstanceOfSatisfying(InstallException.class, e -> assertThat(e.rolledBack()).isTrue())
        .hasMessageContaining("was rolled back")
        .hasMessageContaining(server + ": its code change hung at ")
        .hasMessageContaining("CountDownLatch.await")
        .hasMessageContaining("Store.codeChange")
        .hasMessageContaining("interrupted, it came back");
    assertThat(Process.whereis(r.registered)).as("the same process").contains(server);
    assertThat(call(r, "version")).isEqualTo("v1");
    assertThat(call(r, "get hang")).isEqualTo("1");
    assertThat(CodeServer.oldProcessCount(r.app)).isZero();

    call(r, "put hang-free 1");
    Sys.replaceState(server, old -> dropKey(old, "hang"));
    handler.install("1.1.0");
    assertThat(call(r, "version")).as("the next, good install goes through").isEqualTo("v2");
  }

  @Test // issue 12: one deaf to interrupts is killed, its supervisor restarts it, nothing is stuck
  void aCodeChangeDeafToInterruptsIsKilledAndRestarted() throws Exception {
    TestReleases r = releases();
    ReleaseHandler handler = bootedOn1(r);
    call(r, "put spin 1");
    Pid server = Process.whereis(r.registered).orElseThrow();
    handler.unpack(r.release("1.1.0", "1.0.0", r.v2()));
    try {
      assertThatThrownBy(() -> handler.install("1.1.0"))
          .isInstanceOfSatisfying(InstallException.class, e -> assertThat(e.rolledBack()).isTrue())
          .hasMessageContaining(server + ": its code change hung at ")
          .hasMessageContaining("Store.codeChange")
          .hasMessageContaining("was killed (its supervisor restarts it)");
      assertThat(Process.isAlive(server)).isFalse();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> Process.whereis(r.registered).filter(p -> !p.equals(server)).isPresent());
      assertThat(call(r, "version")).as("restarted on the old code").isEqualTo("v1");
      assertThat(call(r, "get spin")).as("with a fresh state").isNull();
    } finally {
      System.setProperty(r.registered + ".release", "true");
    }
    handler.install("1.1.0");
    assertThat(call(r, "version")).as("the next, good install goes through").isEqualTo("v2");
  }

  private static Object dropKey(Object state, String key) {
    try {
      @SuppressWarnings("unchecked")
      var data = (java.util.Map<String, Object>) state.getClass().getMethod("data").invoke(state);
      data.remove(key);
      return state;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
