package dev.molt.internal.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.DetachedException;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Sources;
import dev.molt.behaviour.CallException;
import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeException;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import dev.molt.code.Prepared;
import dev.molt.sys.ProcessStatus;
import dev.molt.sys.Sys;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a release install is built from: a held switch, parallel Sys requests, revert and rollback.
 */
class TransactionalSwitchTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir Path dir;

  private final String module = "txn" + NAMES.incrementAndGet();
  private final String pkg = "test.txn." + module;

  private ModuleSource version(String tag, String codeChange) throws IOException {
    String source =
        """
        package %1$s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        public final class Server implements GenServer<Server.State> {
          public record State(int n) {}
          public Init<State> init(Object arg) { return Init.ok(new State((Integer) arg)); }
          public CallResult<State> handleCall(Object request, From from, State state) throws Exception {
            if ("slow".equals(request)) {
              // blocks until the test releases it: a latch shared through the system properties
              System.getProperties().put("%2$s.blocked", Boolean.TRUE);
              ((java.util.concurrent.CountDownLatch) System.getProperties().get("%2$s.release")).await();
            }
            return new Reply<>("%3$s:" + state.n(), state);
          }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
          %4$s
        }
        """
            .formatted(pkg, module, tag, codeChange);
    return ModuleSource.sources(
        module, Sources.write(dir.resolve(tag), Map.of(pkg + ".Server", source)));
  }

  private ModuleSource v2() throws IOException {
    return version(
        "v2",
        """
        public State codeChange(Object oldVsn, Object old, Object extra) throws Exception {
          State state = (State) Migration.migrate(old, getClass());
          if (state.n() == 13) { throw new IllegalStateException("unlucky 13"); }
          return new State(state.n() * 100);
        }
        """);
  }

  @SuppressWarnings("unchecked")
  private Pid start(int n) {
    return GenServer.start(
        CodeServer.newInstance(
            CodeServer.currentClass(pkg + ".Server").orElseThrow(), GenServer.class),
        n);
  }

  @Test
  void aHeldSwitchMovesNoProcessUntilCommitted() throws IOException {
    CodeServer.load(version("v1", ""));
    Pid pid = start(1);
    Prepared prepared = CodeServer.prepare(List.of(v2()), false);
    Upgrade.hold(prepared);
    assertThat(CodeServer.which(module).orElseThrow().version())
        .as("pending is not current")
        .isEqualTo(1);
    assertThat(GenServer.call(pid, "get")).as("held: no lazy switch").isEqualTo("v1:1");
    assertThat(GenServer.call(start(7), "get"))
        .as("a new process starts on the current code")
        .isEqualTo("v1:7");
    assertThatThrownBy(() -> CodeServer.load(version("v3", "")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("an install is in progress");
    Upgrade.commit(prepared);
    assertThat(CodeServer.which(module).orElseThrow().version()).isEqualTo(2);
    assertThat(GenServer.call(pid, "get"))
        .as("committed: switches at its next message")
        .isEqualTo("v2:100");
  }

  @Test
  void aFailedCodeChangeIsUndoneForEveryProcessAndTheOldCodeIsCurrentAgain() throws IOException {
    CodeServer.load(version("v1", ""));
    List<Pid> pids = List.of(start(1), start(13), start(3));
    installFailsAndIsRolledBack(pids);

    assertThat(pids)
        .extracting(pid -> GenServer.call(pid, "get"))
        .containsExactly("v1:1", "v1:13", "v1:3");
    assertThat(pids).allSatisfy(pid -> assertThat(Sys.getStatus(pid).version()).isEqualTo(1));
    assertThat(Sys.getStatus(pids.get(1)).lastCodeChangeFailure().reason().cause())
        .isInstanceOf(DetachedException.class)
        .hasMessage("java.lang.IllegalStateException: unlucky 13");
    assertThat(CodeServer.which(module).orElseThrow().version()).isEqualTo(1);
    assertThat(CodeServer.processes(module)).containsExactlyInAnyOrderElementsOf(pids);
    assertThat(CodeServer.oldProcessCount(module)).isZero();
    assertThat(CodeServer.leaks())
        .as("the dropped version is collectable")
        .noneMatch(leak -> leak.module().equals(module) && leak.version() == 2);
    assertThat(CodeServer.load(version("v3", "")).loaded().getFirst().version())
        .as("no old code is left behind")
        .isEqualTo(3);
  }

  /**
   * In a method of its own, so that what refers to the dropped version (the Prepared, the
   * exceptions) goes with its frame.
   */
  private void installFailsAndIsRolledBack(List<Pid> pids) throws IOException {
    Prepared prepared = CodeServer.prepare(List.of(v2()), false);
    Upgrade.suspendAll(pids, Duration.ofSeconds(5));
    Upgrade.hold(prepared);
    Map<Pid, RuntimeException> failures =
        Upgrade.changeCodeAll(pids, module, 1, null, Duration.ofSeconds(5));
    assertThat(failures).containsOnlyKeys(pids.get(1));
    assertThat(failures.get(pids.get(1)))
        .isInstanceOf(CodeException.class)
        .hasMessageContaining("unlucky 13");
    assertThat(Sys.getStatus(pids.get(0)).version()).isEqualTo(2);
    assertThat(Upgrade.revertCodeChangeAll(pids, Duration.ofSeconds(5))).isEmpty();
    Upgrade.rollback(prepared);
    assertThat(Upgrade.resumeAll(pids, Duration.ofSeconds(5))).isEmpty();
  }

  @Test
  void aProcessThatDoesNotSuspendInTimeFailsTheWholeSuspensionAndNoneStaysSuspended()
      throws IOException {
    CodeServer.load(version("v1", ""));
    Pid idle = start(1);
    Pid busy = start(2);
    CountDownLatch release = blockInACall(busy);

    assertThatThrownBy(() -> Upgrade.suspendAll(List.of(idle, busy), Duration.ofMillis(200)))
        .isInstanceOfSatisfying(
            SysBatchException.class,
            e -> {
              assertThat(e.failures()).containsOnlyKeys(busy);
              assertThat(e.failures().get(busy)).isInstanceOf(CallException.class);
              assertThat(e).hasMessageContaining("suspend failed for 1 of 2 processes");
            });
    assertThat(GenServer.call(idle, "get")).as("resumed").isEqualTo("v1:1");
    release.countDown();
    assertThat(GenServer.call(busy, "get", Duration.ofSeconds(5)))
        .as("its late suspend was followed by a resume")
        .isEqualTo("v1:2");
    assertThat(Sys.getStatus(busy).status()).isEqualTo(ProcessStatus.Status.RUNNING);
  }

  /** Keeps {@code server} busy in a call until the returned latch is counted down. */
  private CountDownLatch blockInACall(Pid server) {
    CountDownLatch release = new CountDownLatch(1);
    System.getProperties().put(module + ".release", release);
    Process.spawn(() -> GenServer.call(server, "slow", Duration.ofSeconds(30)));
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> System.getProperties().get(module + ".blocked") != null);
    return release;
  }

  @Test
  void revertingIsRefusedOnceAProcessRuns() throws IOException {
    CodeServer.load(version("v1", ""));
    Pid pid = start(1);
    assertThatThrownBy(() -> Upgrade.revertCodeChange(pid))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not suspended");
    Sys.suspend(pid);
    Upgrade.revertCodeChange(pid);
    Sys.resume(pid);
    assertThat(GenServer.call(pid, "get")).isEqualTo("v1:1");
  }

  @Test
  void processesLeftOnOldCodeAreMovedAtOnceAndOneWhoseCodeChangeFailsStaysBehind()
      throws IOException {
    CodeServer.load(version("v1", ""));
    Pid lucky = start(1);
    Pid unlucky = start(13);
    CodeServer.load(v2());
    assertThat(CodeServer.oldProcesses(module))
        .as("idle since the load")
        .containsExactlyInAnyOrder(lucky, unlucky);

    Map<Pid, RuntimeException> stayed =
        Upgrade.moveOldProcesses(module, Duration.ofSeconds(5), Duration.ofSeconds(5));

    assertThat(stayed).containsOnlyKeys(unlucky);
    assertThat(stayed.get(unlucky)).hasMessageContaining("unlucky 13");
    assertThat(Sys.getStatus(lucky).version()).isEqualTo(2);
    assertThat(GenServer.call(lucky, "get")).isEqualTo("v2:100");
    assertThat(CodeServer.oldProcesses(module)).containsExactly(unlucky);
    assertThat(GenServer.call(unlucky, "get"))
        .as("resumed on its old code with its state")
        .isEqualTo("v1:13");
  }

  @Test
  void noProcessMovesOffOldCodeWhenOneDoesNotSuspendInTime() throws IOException {
    CodeServer.load(version("v1", ""));
    Pid idle = start(1);
    Pid busy = start(2);
    CountDownLatch release = blockInACall(busy);
    CodeServer.load(v2());

    Map<Pid, RuntimeException> stayed =
        Upgrade.moveOldProcesses(module, Duration.ofMillis(200), Duration.ofSeconds(5));

    assertThat(stayed).containsOnlyKeys(idle, busy);
    assertThat(stayed.get(busy)).isInstanceOf(CallException.class);
    assertThat(stayed.get(idle)).hasMessageStartingWith("not moved: suspend failed for 1 of 2");
    assertThat(Sys.getStatus(idle).version()).as("resumed, not moved").isEqualTo(1);
    assertThat(Sys.getStatus(idle).status()).isEqualTo(ProcessStatus.Status.RUNNING);
    release.countDown();
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> Sys.getStatus(busy).status() == ProcessStatus.Status.RUNNING);
    assertThat(Upgrade.moveOldProcesses(module, Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .as("once it answers, both move")
        .isEmpty();
    assertThat(CodeServer.oldProcesses(module)).isEmpty();
  }
}
