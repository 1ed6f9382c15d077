package dev.molt.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Down;
import dev.molt.ExitReason;
import dev.molt.InProcess;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GenServerTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void callCastAndInfoReachTheirCallbacks() {
    Pid pid = GenServer.start(new Counter(), 1);
    assertThat(GenServer.call(pid, "incr")).isEqualTo(2);
    GenServer.cast(pid, 10);
    Process.send(pid, "info");
    assertThat(GenServer.call(pid, "get")).isEqualTo(112);
    assertThat(GenServer.call(pid, "null")).isNull();
    GenServer.stop(pid);
  }

  @Test
  void aNamedServerIsCalledByName() {
    Counter counter = new Counter();
    Pid pid = GenServer.start("counter-by-name", counter, 5);
    assertThat(Process.whereis("counter-by-name")).contains(pid);
    assertThat(GenServer.call("counter-by-name", "get")).isEqualTo(5);
    GenServer.cast("counter-by-name", 1);
    assertThat(GenServer.call("counter-by-name", "get")).isEqualTo(6);
    GenServer.stop(pid);
    assertThat(counter.terminated).containsExactly("normal@6");
    assertThat(Process.whereis("counter-by-name")).isEmpty();
  }

  @Test
  void startingUnderATakenNameNamesTheHolder() {
    Pid first = GenServer.start("taken-server", new Counter(), 0);
    assertThatThrownBy(() -> GenServer.start("taken-server", new Counter(), 0))
        .isInstanceOfSatisfying(
            StartException.class, e -> assertThat(e.alreadyStarted()).contains(first))
        .hasMessageContaining(first.toString());
    GenServer.stop(first);
  }

  @Test
  void initFailuresAreReportedToTheStarter() {
    assertThatThrownBy(() -> GenServer.start(new Counter(), "fail"))
        .isInstanceOfSatisfying(
            StartException.class, e -> assertThat(e.reason()).isEqualTo(ExitReason.of("bad_arg")));
    assertThatThrownBy(() -> GenServer.start(new Counter(), "throw"))
        .isInstanceOf(StartException.class)
        .hasRootCauseMessage("init threw");
    assertThat(GenServer.start(new Counter(), "ignore")).isNull();
  }

  @Test
  void aCrashingCallbackCrashesTheServerAndFailsTheCaller() {
    Counter counter = new Counter();
    Pid pid = GenServer.start(counter, 3);
    assertThatThrownBy(() -> GenServer.call(pid, "crash"))
        .isInstanceOfSatisfying(
            CallException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(CallException.Kind.EXITED);
              assertThat(e.exitReason()).isInstanceOf(ExitReason.Crash.class);
            })
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("crash in handleCall");
    assertThat(pid.isAlive()).isFalse();
    assertThat(counter.terminated).hasSize(1).first().asString().startsWith("crash(");
  }

  @Test
  void aNullResultIsABadReturnValue() {
    Pid pid = GenServer.start(new Counter(), 0);
    assertThatThrownBy(() -> GenServer.call(pid, "bad"))
        .isInstanceOf(CallException.class)
        .hasMessageContaining("handleCall returned null");
  }

  @Test
  void aCrashingCastEndsTheServerWithTheCrash() throws Exception {
    Down down =
        InProcess.call(
            () -> {
              Pid pid = GenServer.start(new Counter(), 0);
              Ref ref = Process.monitor(pid);
              GenServer.cast(pid, "crash");
              return Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
            });
    assertThat(down.reason().cause()).hasMessage("crash in handleCast");
  }

  @Test
  void stopFromACastRunsTerminate() throws Exception {
    Counter counter = new Counter();
    Down down =
        InProcess.call(
            () -> {
              Pid pid = GenServer.start(counter, 7);
              Ref ref = Process.monitor(pid);
              GenServer.cast(pid, "stop");
              return Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
            });
    assertThat(down.reason()).isEqualTo(ExitReason.of("cast_stop"));
    assertThat(counter.terminated).containsExactly("cast_stop@7");
  }

  @Test
  void stopWithReplyRepliesThenStops() {
    Pid pid = GenServer.start(new Counter(), 0);
    assertThat(GenServer.call(pid, "stop")).isEqualTo("stopping");
    org.awaitility.Awaitility.await().until(() -> !pid.isAlive());
  }

  @Test
  void aCallToADeadServerFailsAtOnceWithNoproc() {
    Pid pid = GenServer.start(new Counter(), 0);
    GenServer.stop(pid);
    long start = System.nanoTime();
    assertThatThrownBy(() -> GenServer.call(pid, "get"))
        .isInstanceOfSatisfying(
            CallException.class, e -> assertThat(e.kind()).isEqualTo(CallException.Kind.NOPROC));
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void aCallToAnUnknownNameFailsWithNoproc() {
    assertThatThrownBy(() -> GenServer.call("no-such-server", "get"))
        .isInstanceOfSatisfying(
            CallException.class, e -> assertThat(e.kind()).isEqualTo(CallException.Kind.NOPROC))
        .hasMessageContaining("no-such-server");
  }

  @Test
  void aCallTimesOutAndTheLateReplyIsDropped() throws Exception {
    Counter counter = new Counter();
    Pid pid = GenServer.start(counter, 0);
    Object afterwards =
        InProcess.call(
            () -> {
              assertThatThrownBy(() -> GenServer.call(pid, "slow", Duration.ofMillis(50)))
                  .isInstanceOfSatisfying(
                      CallException.class,
                      e -> assertThat(e.kind()).isEqualTo(CallException.Kind.TIMEOUT))
                  .hasMessageContaining("50 ms");
              counter.release.countDown();
              Object reply = GenServer.call(pid, "get");
              return List.of(reply, Process.receive(Duration.ofMillis(20)).isPresent());
            });
    assertThat(afterwards).isEqualTo(List.of(0, false));
    GenServer.stop(pid);
  }

  @Test
  void aServerKilledWhileACallWaitsFailsTheCallWithTheReason() {
    CountDownLatch inCall = new CountDownLatch(1);
    GenServer<Object> stuck =
        new GenServer<>() {
          @Override
          public Init<Object> init(Object arg) {
            return Init.ok("");
          }

          @Override
          public CallResult<Object> handleCall(Object request, From from, Object state) {
            inCall.countDown();
            return new NoReply<>(state);
          }

          @Override
          public CastResult<Object> handleCast(Object request, Object state) {
            return new NoReply<>(state);
          }
        };
    Pid pid = GenServer.start(stuck, null);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                inCall.await();
              } catch (InterruptedException e) {
                return;
              }
              Process.exit(pid, ExitReason.of("gone"));
            });
    assertThatThrownBy(() -> GenServer.call(pid, "x", Duration.ofSeconds(10)))
        .isInstanceOfSatisfying(
            CallException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(CallException.Kind.EXITED);
              assertThat(e.exitReason()).isEqualTo(ExitReason.of("gone"));
            });
  }

  @Test
  void aProcessCallingItselfFailsAtOnce() throws Exception {
    GenServer<Object> selfCaller =
        new GenServer<>() {
          @Override
          public Init<Object> init(Object arg) {
            return Init.ok(null);
          }

          @Override
          public CallResult<Object> handleCall(Object request, From from, Object state) {
            try {
              GenServer.call(Process.self(), "again");
              return new Reply<>("called", state);
            } catch (CallException e) {
              return new Reply<>(e.kind(), state);
            }
          }

          @Override
          public CastResult<Object> handleCast(Object request, Object state) {
            return new NoReply<>(state);
          }
        };
    Pid pid = GenServer.start(selfCaller, null);
    assertThat(GenServer.call(pid, "go")).isEqualTo(CallException.Kind.CALLING_SELF);
  }

  @Test
  void terminateRunsWhenTheParentExitsAndTheServerTrapsExits() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    GenServer<String> trapper =
        new GenServer<>() {
          @Override
          public Init<String> init(Object arg) {
            Process.trapExit(true);
            return Init.ok("state");
          }

          @Override
          public CallResult<String> handleCall(Object request, From from, String state) {
            return new Reply<>(state, state);
          }

          @Override
          public CastResult<String> handleCast(Object request, String state) {
            return new NoReply<>(state);
          }

          @Override
          public void terminate(ExitReason reason, String state) {
            log.add(reason + ":" + state);
          }
        };
    Down down = downAfterParentShutdown(trapper, null);
    assertThat(down.reason()).isEqualTo(ExitReason.shutdown());
    assertThat(log).containsExactly("shutdown:state");
  }

  @Test
  void aServerNotTrappingExitsDiesWithItsParentWithoutTerminate() throws Exception {
    Counter counter = new Counter();
    Down down = downAfterParentShutdown(counter, 0);
    assertThat(down.reason()).isEqualTo(ExitReason.shutdown());
    assertThat(counter.terminated).isEmpty();
  }

  /**
   * Starts {@code callbacks} linked to a parent process, shuts the parent down, and returns the
   * server's Down.
   */
  private static <S> Down downAfterParentShutdown(GenServer<S> callbacks, Object arg)
      throws Exception {
    return InProcess.call(
        () -> {
          CountDownLatch started = new CountDownLatch(1);
          Pid[] server = new Pid[1];
          Pid parent =
              Process.spawn(
                  () -> {
                    server[0] = GenServer.startLink(callbacks, arg);
                    started.countDown();
                    Process.receive();
                  });
          started.await();
          Ref ref = Process.monitor(server[0]);
          Process.exit(parent, ExitReason.shutdown());
          return Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
        });
  }

  @Test
  void stateIsKeptAcrossManyConcurrentCallers() throws Exception {
    Pid pid = GenServer.start(new Counter(), 0);
    int clients = 8;
    int each = 2_000;
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      Process.spawn(
          () -> {
            for (int i = 0; i < each; i++) {
              GenServer.call(pid, "incr");
            }
            done.countDown();
          });
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(GenServer.call(pid, "get")).isEqualTo(clients * each);
  }

  @Test
  void aMapStateServerLikeTheTalksKv() {
    GenServer<Map<Object, Object>> kv =
        new GenServer<>() {
          @Override
          public Init<Map<Object, Object>> init(Object arg) {
            return Init.ok(new HashMap<>());
          }

          @Override
          public CallResult<Map<Object, Object>> handleCall(
              Object request, From from, Map<Object, Object> state) {
            if (request instanceof List<?> put && put.size() == 2) {
              state.put(put.get(0), put.get(1));
              return new Reply<>("ok", state);
            }
            return new Reply<>(state.get(request), state);
          }

          @Override
          public CastResult<Map<Object, Object>> handleCast(
              Object request, Map<Object, Object> state) {
            return new NoReply<>(state);
          }
        };
    Pid pid = GenServer.start(kv, null);
    assertThat(GenServer.call(pid, "a")).isNull();
    assertThat(GenServer.call(pid, List.of("a", 42))).isEqualTo("ok");
    assertThat(GenServer.call(pid, "a")).isEqualTo(42);
  }
}
