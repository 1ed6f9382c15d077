package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeServer;
import dev.molt.release.ReleaseStatus.Status;
import dev.molt.sys.Sys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure before the point of no return rolls the install back: the old release stays
 * current, every process is on its old version with its old state, and the node keeps serving.
 */
class InstallRollbackTest {
  private static final AtomicInteger TAGS = new AtomicInteger();

  @TempDir Path work;

  private TestReleases r;
  private ReleaseHandler handler;
  private Pid server;
  private int versionBefore;
  private String stateBefore;

  @BeforeEach
  void bootOneWithData() throws IOException {
    r = new TestReleases(work, "rb" + TAGS.incrementAndGet());
    handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(r.release("1.0.0", null, r.v1()));
    handler.boot();
    GenServer.call(r.registered, "put a 42");
    server = Process.whereis(r.registered).orElseThrow();
    versionBefore = Sys.getStatus(server).version();
    stateBefore = Sys.getState(server).toString();
  }

  private void installFailsAndEverythingIsBack(String reason) {
    assertThatThrownBy(() -> handler.install("1.1.0"))
        .isInstanceOfSatisfying(
            InstallException.class,
            e -> {
              assertThat(e.rolledBack()).as(e.getMessage()).isTrue();
              assertThat(e).hasMessageContaining("was rolled back").hasMessageContaining(reason);
            });
    assertThat(handler.current()).contains("1.0.0");
    assertThat(handler.whichReleases())
        .containsExactly(
            new ReleaseStatus(r.release, "1.0.0", Status.PERMANENT),
            new ReleaseStatus(r.release, "1.1.0", Status.UNPACKED));
    assertThat(CodeServer.which(r.app).orElseThrow().version()).isEqualTo(versionBefore);
    assertThat(CodeServer.oldProcessCount(r.app)).isZero();
  }

  private void sameProcessSameStateStillServing() {
    assertThat(Process.whereis(r.registered)).contains(server);
    assertThat(Sys.getStatus(server).version()).isEqualTo(versionBefore);
    assertThat(Sys.getState(server).toString()).isEqualTo(stateBefore);
    assertThat(GenServer.call(r.registered, "version")).isEqualTo("v1");
    assertThat(GenServer.call(r.registered, "get a")).isEqualTo("42");
  }

  @Test
  void anApplyThatThrows() throws IOException {
    Path jar =
        r.jar(
            "1.1.0",
            r.v2(),
            Map.of(
                "Hook",
                """
        public final class Hook {
          public static void run(String... args) { throw new IllegalStateException("hook refused " + args[0]); }
        }
        """),
            List.of());
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
                    + " extra=\"up\"\n    apply "
                    + r.pkg
                    + ".Hook run args=[\"now\"]")));
    installFailsAndEverythingIsBack("hook refused now");
    sameProcessSameStateStillServing();
  }

  @Test
  void aProcessThatDoesNotSuspendInTime() throws Exception {
    handler.unpack(
        r.release(
            "1.1.0",
            "1.0.0",
            r.jar("1.1.0", r.v2()),
            r.appup("1.1.0", "1.0.0", "update " + r.app + " extra=\"up\" timeout=300ms")));
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    System.getProperties().put(r.registered + ".hold", hold);
    CompletableFuture<Object> held = new CompletableFuture<>();
    Process.spawn(
        () -> held.complete(GenServer.call(r.registered, "hold", Duration.ofSeconds(30))));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> System.getProperties().get(r.registered + ".holding") != null);
    installFailsAndEverythingIsBack(
        "failed in 1 of 1 processes, first "
            + server
            + ": call to "
            + server
            + " failed: no reply within");
    hold.countDown();
    assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("released");
    sameProcessSameStateStillServing();
  }

  @Test
  void aProcessThatDiesMidUpgrade() throws IOException {
    String dies =
        r.v2()
            .replace(
                "if (data.containsKey(\"poison\"))",
                "if (true) { dev.molt.Process.exit(dev.molt.Process.self(), ExitReason.kill()); }\n if (data.containsKey(\"poison\"))");
    handler.unpack(r.release("1.1.0", "1.0.0", dies));
    installFailsAndEverythingIsBack("failed in 1 of 1 processes");
    Pid restarted =
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () -> Process.whereis(r.registered).orElse(null),
                pid -> pid != null && !pid.equals(server));
    assertThat(Sys.getStatus(restarted).version())
        .as("its supervisor restarted it on the old code")
        .isEqualTo(versionBefore);
    assertThat(GenServer.call(r.registered, "version")).isEqualTo("v1");
  }

  @Test
  void aClassThatDoesNotLink() throws IOException {
    String needsMissing =
        r.v2()
            .replace(
                "case \"size\" ->",
                "case \"missing\" -> new Reply<>(Missing.VALUE, state);\n case \"size\" ->");
    Path jar =
        r.jar(
            "1.1.0",
            needsMissing,
            Map.of("Missing", "final class Missing { static final Object VALUE = new Object(); }"),
            List.of("Missing"));
    handler.unpack(r.release("1.1.0", "1.0.0", jar, r.appup("1.1.0", "1.0.0")));
    installFailsAndEverythingIsBack("Missing");
    sameProcessSameStateStillServing();
  }

  @Test // issue 12: a busy process that runs its hanging codeChange in its own thread
  void aCodeChangeHangingInTheProcessItselfIsInterrupted() throws Exception {
    handler.unpack(
        r.release(
            "1.1.0",
            "1.0.0",
            r.jar("1.1.0", r.v2()),
            r.appup("1.1.0", "1.0.0", "update " + r.app + " extra=\"up\" timeout=5s")));
    GenServer.call(r.registered, "put hang 1");
    stateBefore = Sys.getState(server).toString();
    // the server is busy when the install's request comes, so it runs the code change itself
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    System.getProperties().put(r.registered + ".hold", hold);
    CompletableFuture<Object> held = new CompletableFuture<>();
    Process.spawn(
        () -> held.complete(GenServer.call(r.registered, "hold", Duration.ofSeconds(30))));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> System.getProperties().get(r.registered + ".holding") != null);
    CompletableFuture<Throwable> install =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                handler.install("1.1.0");
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    // the install's request waits in the busy server's mailbox; then the server may go on
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Process.mailboxSize(server) > 0);
    hold.countDown();
    Throwable failed = install.get(30, TimeUnit.SECONDS);
    assertThat(failed)
        .isInstanceOfSatisfying(InstallException.class, e -> assertThat(e.rolledBack()).isTrue())
        .hasMessageContaining(server + ": its code change hung at ")
        .hasMessageContaining("Store.codeChange")
        .hasMessageContaining("GenServerLoop.handleSystem")
        .hasMessageContaining("interrupted, it came back");
    assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("released");
    sameProcessSameStateStillServing();
  }
}
