package dev.molt.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.CallException;
import dev.molt.behaviour.Counter;
import dev.molt.behaviour.GenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SysTest {
  private static Pid counter(int start) {
    return GenServer.start(new Counter(), start);
  }

  @Test
  void getStateAndReplaceStateSeeTheLiveState() {
    Pid pid = counter(5);
    assertThat(Sys.getState(pid)).isEqualTo(5);
    assertThat(Sys.replaceState(pid, state -> (Integer) state * 10)).isEqualTo(50);
    assertThat(GenServer.call(pid, "get")).isEqualTo(50);
    assertThatThrownBy(
            () ->
                Sys.replaceState(
                    pid,
                    state -> {
                      throw new IllegalArgumentException("no");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the state is unchanged");
    assertThat(Sys.getState(pid)).isEqualTo(50);
    GenServer.stop(pid);
  }

  @Test
  void statusAndStatisticsDescribeTheServer() {
    Pid pid = counter(0);
    Process.register("sys-status-counter", pid);
    GenServer.call(pid, "incr");
    GenServer.cast(pid, 1);
    ProcessStatus status = Sys.getStatus(pid);
    assertThat(status.pid()).isSameAs(pid);
    assertThat(status.name()).isEqualTo("sys-status-counter");
    assertThat(status.module()).isNull();
    assertThat(status.status()).isEqualTo(ProcessStatus.Status.RUNNING);
    assertThat(status.state()).isEqualTo(2);
    assertThat(status.callbacks()).isEqualTo(Counter.class.getName());
    assertThat(Sys.statistics(pid).messages()).isEqualTo(2);
    assertThat(Sys.resolve("sys-status-counter")).isSameAs(pid);
    GenServer.stop(pid);
  }

  @Test
  void logKeepsTheLastEvents() {
    Pid pid = counter(0);
    Sys.log(pid, 4);
    GenServer.call(pid, "incr");
    GenServer.call(pid, "incr");
    GenServer.call(pid, "incr");
    List<String> log = Sys.getLog(pid);
    assertThat(log).hasSize(4);
    assertThat(log.getLast()).isEqualTo("state 3");
    Sys.log(pid, 0);
    assertThat(Sys.getLog(pid)).isEmpty();
    Sys.trace(pid, true);
    assertThat(GenServer.call(pid, "incr")).isEqualTo(4);
    Sys.trace(pid, false);
    assertThatThrownBy(() -> Sys.log(pid, -1)).hasMessageContaining("0 or more");
    GenServer.stop(pid);
  }

  @Test
  void aSuspendedServerKeepsMessagesInOrderUntilResumed() throws Exception {
    Pid pid = counter(0);
    Sys.suspend(pid);
    assertThat(Sys.getStatus(pid).status()).isEqualTo(ProcessStatus.Status.SUSPENDED);
    for (int i = 1; i <= 5; i++) {
      GenServer.cast(pid, i * 100);
    }
    List<Object> replies = new ArrayList<>();
    CountDownLatch replied = new CountDownLatch(1);
    Thread.ofVirtual()
        .start(
            () -> {
              replies.add(GenServer.call(pid, "get"));
              replied.countDown();
            });
    assertThat(replied.await(100, TimeUnit.MILLISECONDS)).as("no reply while suspended").isFalse();
    assertThat(Sys.getState(pid)).isEqualTo(0);
    Sys.resume(pid);
    assertThat(replied.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(replies).containsExactly(1500);
    GenServer.stop(pid);
  }

  @Test
  void changeCodeNeedsASuspendedModuleServer() {
    Pid pid = counter(0);
    assertThatThrownBy(() -> Sys.changeCode(pid, "kv", 1, null))
        .hasMessageContaining("is not suspended");
    Sys.suspend(pid);
    assertThatThrownBy(() -> Sys.changeCode(pid, "kv", 1, null))
        .hasMessageContaining("its code is not a module's");
    Sys.resume(pid);
    GenServer.stop(pid);
  }

  @Test
  void aTimeoutNamesTheProcessThatDidNotAnswer() {
    Pid busy = Process.spawn(() -> Process.receive(m -> false, Process.INFINITY));
    assertThatThrownBy(() -> Sys.suspend(busy, Duration.ofMillis(50)))
        .isInstanceOfSatisfying(
            CallException.class, e -> assertThat(e.kind()).isEqualTo(CallException.Kind.TIMEOUT))
        .hasMessageContaining(busy.toString());
    Process.exit(busy, ExitReason.kill());
    assertThatThrownBy(() -> Sys.getState(busy))
        .isInstanceOfSatisfying(
            CallException.class, e -> assertThat(e.kind()).isEqualTo(CallException.Kind.NOPROC));
    assertThatThrownBy(() -> Sys.resolve("nobody-by-this-name")).isInstanceOf(CallException.class);
  }

  @Test
  void theReadersWaitAsLongAsTheyAreToldForAServerBusyInACallback() throws Exception {
    Counter callbacks = new Counter();
    Pid server = GenServer.start(callbacks, 7);
    Process.spawn(() -> GenServer.call(server, "slow", Duration.ofSeconds(30)));
    assertThat(callbacks.blocked.await(5, TimeUnit.SECONDS)).as("in its slow callback").isTrue();
    for (Runnable reader :
        List.<Runnable>of(
            () -> Sys.getState(server, Duration.ofMillis(50)),
            () -> Sys.getStatus(server, Duration.ofMillis(50)),
            () -> Sys.statistics(server, Duration.ofMillis(50)),
            () -> Sys.replaceState(server, state -> state, Duration.ofMillis(50)))) {
      assertThatThrownBy(reader::run)
          .isInstanceOfSatisfying(
              CallException.class, e -> assertThat(e.kind()).isEqualTo(CallException.Kind.TIMEOUT))
          .hasMessageContaining(server.toString())
          .hasMessageContaining("no reply within 50 ms");
    }
    callbacks.release.countDown();
    assertThat(Sys.getState(server, Duration.ofSeconds(5))).isEqualTo(7);
    GenServer.stop(server);
  }
}
