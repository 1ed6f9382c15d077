package dev.molt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void messagesFromOneSenderArriveInOrder() throws Exception {
    List<Object> got =
        InProcess.call(
            () -> {
              Pid me = Process.self();
              Process.spawn(
                  () -> {
                    for (int i = 0; i < 1000; i++) {
                      Process.send(me, i);
                    }
                  });
              List<Object> seen = new ArrayList<>();
              for (int i = 0; i < 1000; i++) {
                seen.add(Process.receive(WAIT).orElseThrow());
              }
              return seen;
            });
    assertThat(got)
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 1000).boxed().toList());
  }

  @Test
  void receiveTimesOutWithEmpty() throws Exception {
    assertThat(InProcess.call(() -> Process.receive(Duration.ofMillis(20)))).isEmpty();
  }

  @Test
  void selectiveReceiveKeepsTheOthersInOrder() throws Exception {
    List<Object> got =
        InProcess.call(
            () -> {
              Pid me = Process.self();
              Process.send(me, "a");
              Process.send(me, 1);
              Process.send(me, "b");
              Process.send(me, 2);
              List<Object> seen = new ArrayList<>();
              seen.add(Process.receive(Integer.class, i -> i == 2, WAIT).orElseThrow());
              seen.add(Process.receive(Integer.class, i -> true, WAIT).orElseThrow());
              seen.add(Process.receive(WAIT).orElseThrow());
              seen.add(Process.receive(WAIT).orElseThrow());
              seen.add(Process.receive(Duration.ZERO).orElse("empty"));
              return seen;
            });
    assertThat(got).containsExactly(2, 1, "a", "b", "empty");
  }

  @Test
  void selectiveReceiveWaitsForAMatchThatArrivesLater() throws Exception {
    Object got =
        InProcess.call(
            () -> {
              Pid me = Process.self();
              Process.spawn(
                  () -> {
                    Process.send(me, "noise");
                    Process.send(me, 42);
                  });
              return Process.receive(Integer.class, i -> true, WAIT).orElseThrow()
                  + ":"
                  + Process.receive(WAIT).orElseThrow();
            });
    assertThat(got).isEqualTo("42:noise");
  }

  @Test
  void selfOutsideAProcessSaysWhy() {
    assertThatThrownBy(Process::self)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside a Molt process");
  }

  @Test
  void sendingNullIsRefused() throws Exception {
    Pid pid = Process.spawn(Process::receive);
    assertThatThrownBy(() -> Process.send(pid, null)).isInstanceOf(NullPointerException.class);
    Process.exit(pid, ExitReason.kill());
  }

  @Test
  void aLinkedCrashKillsTheOtherSide() throws Exception {
    Down down =
        InProcess.call(
            () -> {
              Process.Spawned victim =
                  Process.spawnMonitor(
                      () -> {
                        Process.spawnLink(
                            () -> {
                              throw new IllegalStateException("boom");
                            });
                        Process.receive();
                      });
              return Process.receive(Down.class, d -> d.ref() == victim.monitor(), WAIT)
                  .orElseThrow();
            });
    assertThat(down.reason()).isInstanceOf(ExitReason.Crash.class);
    assertThat(down.reason().cause()).hasMessage("boom");
  }

  @Test
  void aNormalExitDoesNotKillLinks() throws Exception {
    boolean alive =
        InProcess.call(
            () -> {
              Pid ender = Process.spawnLink(() -> {});
              Ref ref = Process.monitor(ender);
              Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
              return Process.isAlive(Process.self());
            });
    assertThat(alive).isTrue();
  }

  @Test
  void trappingExitsTurnsSignalsIntoMessages() throws Exception {
    Exit exit =
        InProcess.call(
            () -> {
              Process.trapExit(true);
              Pid child = Process.spawnLink(() -> Process.exit(ExitReason.of("bye")));
              return Process.receive(Exit.class, e -> e.from() == child, WAIT).orElseThrow();
            });
    assertThat(exit.reason()).isEqualTo(ExitReason.of("bye"));
  }

  @Test
  void killCannotBeTrappedAndLinksSeeKilled() throws Exception {
    List<Object> got =
        InProcess.call(
            () -> {
              Process.trapExit(true);
              Pid target =
                  Process.spawnLink(
                      () -> {
                        Process.trapExit(true);
                        while (true) {
                          Process.receive();
                        }
                      });
              Ref ref = Process.monitor(target);
              Process.exit(target, ExitReason.kill());
              Down down = Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
              Exit exit = Process.receive(Exit.class, e -> e.from() == target, WAIT).orElseThrow();
              return List.of(down.reason(), exit.reason());
            });
    assertThat(got).containsExactly(ExitReason.killed(), ExitReason.killed());
  }

  @Test
  void exitWithNormalFromAnotherProcessIsIgnoredUnlessTrapped() throws Exception {
    Pid target = Process.spawn(Process::receive);
    Process.exit(target, ExitReason.normal());
    assertThat(target.isAlive()).isTrue();
    Process.exit(target, ExitReason.shutdown());
    assertThat(target.isAlive()).isFalse();
    assertThat(Process.exitReason(target)).contains(ExitReason.shutdown());
  }

  @Test
  void monitorOfADeadProcessDeliversNoprocAtOnce() throws Exception {
    Pid dead = Process.spawn(() -> {});
    Down down =
        InProcess.call(
            () -> {
              Ref first = Process.monitor(dead);
              Process.receive(Down.class, d -> d.ref() == first, WAIT).orElseThrow();
              Ref ref = Process.monitor(dead);
              return Process.receive(Down.class, d -> d.ref() == ref, Duration.ZERO).orElseThrow();
            });
    assertThat(down.reason()).isEqualTo(ExitReason.noproc());
  }

  @Test
  void demonitorFlushRemovesTheDown() throws Exception {
    Object got =
        InProcess.call(
            () -> {
              Pid target = Process.spawn(() -> {});
              Ref ref = Process.monitor(target);
              Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
              Process.send(Process.self(), "marker");
              Ref second = Process.monitor(target);
              Process.demonitorFlush(second);
              return Process.receive(WAIT).orElseThrow();
            });
    assertThat(got).isEqualTo("marker");
  }

  @Test
  void demonitorStopsTheDown() throws Exception {
    Object got =
        InProcess.call(
            () -> {
              Pid target = Process.spawn(Process::receive);
              Ref ref = Process.monitor(target);
              Process.demonitor(ref);
              Process.send(target, "go");
              Ref check = Process.monitor(target);
              Process.receive(Down.class, d -> d.ref() == check, WAIT).orElseThrow();
              return Process.receive(Down.class, d -> d.ref() == ref, Duration.ofMillis(50))
                  .isPresent();
            });
    assertThat(got).isEqualTo(false);
  }

  @Test
  void linkingToADeadProcessSignalsNoproc() throws Exception {
    Exit exit =
        InProcess.call(
            () -> {
              Process.trapExit(true);
              Pid dead = Process.spawn(() -> {});
              Ref ref = Process.monitor(dead);
              Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
              Process.link(dead);
              return Process.receive(Exit.class, e -> e.from() == dead, WAIT).orElseThrow();
            });
    assertThat(exit.reason()).isEqualTo(ExitReason.noproc());
  }

  @Test
  void unlinkStopsPropagation() throws Exception {
    boolean alive =
        InProcess.call(
            () -> {
              Pid other = Process.spawnLink(() -> Process.receive());
              Process.unlink(other);
              assertThat(Process.isLinked(Process.self(), other)).isFalse();
              Ref ref = Process.monitor(other);
              Process.exit(other, ExitReason.of("boom"));
              Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
              return Process.isAlive(Process.self());
            });
    assertThat(alive).isTrue();
  }

  @Test
  void aChainOfTenThousandLinkedProcessesDiesToTheEndWithoutOverflow() throws Exception {
    Down down =
        InProcess.call(
            () -> {
              int length = 10_000;
              List<Pid> chain = new ArrayList<>();
              CountDownLatch built = new CountDownLatch(length - 1);
              Pid first = Process.spawn(Process::receive);
              chain.add(first);
              for (int i = 1; i < length; i++) {
                Pid before = chain.get(i - 1);
                Pid p =
                    Process.spawn(
                        () -> {
                          Process.link(before);
                          built.countDown();
                          Process.receive();
                        });
                chain.add(p);
              }
              assertThat(built.await(10, TimeUnit.SECONDS))
                  .as("remaining %s", built.getCount())
                  .isTrue();
              Ref ref = Process.monitor(chain.get(length - 1));
              Process.exit(first, ExitReason.of("cascade"));
              return Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
            });
    assertThat(down.reason()).isEqualTo(ExitReason.of("cascade"));
  }

  @Test
  void aKilledProcessUnwindsOutOfReceive() throws Exception {
    CountDownLatch unwound = new CountDownLatch(1);
    Pid pid =
        Process.spawn(
            () -> {
              try {
                Process.receive();
              } catch (ProcessExit exit) {
                unwound.countDown();
                throw exit;
              }
            });
    Process.exit(pid, ExitReason.of("stop"));
    assertThat(unwound.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(pid.isAlive()).isFalse();
  }

  @Test
  void registeringATakenNameNamesTheHolder() throws Exception {
    Pid holder = Process.spawn(Process::receive);
    Pid other = Process.spawn(Process::receive);
    Process.register("taken-name", holder);
    assertThatThrownBy(() -> Process.register("taken-name", other))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("taken-name")
        .hasMessageContaining(holder.toString());
    assertThat(Process.whereis("taken-name")).contains(holder);
    assertThat(Process.registeredName(holder)).contains("taken-name");
    Process.exit(holder, ExitReason.kill());
    Process.exit(other, ExitReason.kill());
  }

  @Test
  void aProcessHasOneNameAndLosesItWhenItDies() throws Exception {
    Pid pid = Process.spawn(Process::receive);
    Process.register("one-name", pid);
    assertThatThrownBy(() -> Process.register("another-name", pid))
        .hasMessageContaining("already registered as one-name");
    Process.exit(pid, ExitReason.kill());
    assertThat(Process.whereis("one-name")).isEmpty();
    assertThat(Process.registered()).doesNotContain("one-name");
    assertThatThrownBy(() -> Process.register("one-name", pid)).hasMessageContaining("not alive");
  }

  @Test
  void unregisterFreesTheName() throws Exception {
    Pid pid = Process.spawn(Process::receive);
    Process.register("freed", pid);
    assertThat(Process.unregister("freed")).isTrue();
    assertThat(Process.unregister("freed")).isFalse();
    assertThat(Process.whereis("freed")).isEmpty();
    Process.exit(pid, ExitReason.kill());
  }

  @Test
  void sendToAnUnknownNameFails() {
    assertThatThrownBy(() -> Process.send("nobody-here", "x")).hasMessageContaining("nobody-here");
  }

  @Test
  void sendAfterDeliversAndCancelPrevents() throws Exception {
    List<Object> got =
        InProcess.call(
            () -> {
              Pid me = Process.self();
              TimerRef cancelled = Process.sendAfter(Duration.ofMillis(30), me, "cancelled");
              Process.sendAfter(Duration.ofMillis(60), me, "fired");
              boolean wasPending = Process.cancelTimer(cancelled);
              Object first = Process.receive(WAIT).orElseThrow();
              Object more = Process.receive(Duration.ofMillis(100)).orElse("nothing");
              return List.of(wasPending, first, more);
            });
    assertThat(got).containsExactly(true, "fired", "nothing");
  }

  @Test
  void sendAfterToANameResolvesWhenItFires() throws Exception {
    Object got =
        InProcess.call(
            () -> {
              TimerRef timer = Process.sendAfter(Duration.ofMillis(20), "late-registered", "hello");
              Process.register("late-registered", Process.self());
              Object message = Process.receive(WAIT).orElseThrow();
              assertThat(Process.cancelTimer(timer)).isFalse();
              return message;
            });
    assertThat(got).isEqualTo("hello");
  }

  /**
   * Regression: cancelTimer used to ask the ScheduledFuture, which is not done until its task
   * returns, so a timer whose message had already been received could still "cancel".
   */
  @Test
  void cancelTimerIsTrueExactlyWhenTheMessageWillNeverArrive() throws Exception {
    List<Object> got =
        InProcess.call(
            () -> {
              Pid me = Process.self();
              List<Integer> cancelled = new ArrayList<>();
              List<TimerRef> timers = new ArrayList<>();
              for (int i = 0; i < 300; i++) {
                timers.add(Process.sendAfter(Duration.ofNanos(i * 10_000L), me, i));
              }
              for (int i = 0; i < timers.size(); i++) {
                if (Process.cancelTimer(timers.get(i))) {
                  cancelled.add(i);
                }
              }
              List<Integer> arrived = new ArrayList<>();
              while (arrived.size() + cancelled.size() < timers.size()) {
                arrived.add((Integer) Process.receive(WAIT).orElseThrow());
              }
              boolean more = Process.receive(Duration.ofMillis(20)).isPresent();
              return List.of(cancelled, arrived, more);
            });
    @SuppressWarnings("unchecked")
    List<Integer> cancelled = (List<Integer>) got.get(0);
    @SuppressWarnings("unchecked")
    List<Integer> arrived = (List<Integer>) got.get(1);
    assertThat(arrived).doesNotContainAnyElementsOf(cancelled);
    assertThat(arrived.size() + cancelled.size()).isEqualTo(300);
    assertThat(got.get(2)).isEqualTo(false);
  }

  @Test
  void spawnMonitorSeesEvenAnInstantCrash() throws Exception {
    Down down =
        InProcess.call(
            () -> {
              Process.Spawned spawned =
                  Process.spawnMonitor(
                      () -> {
                        throw new IllegalArgumentException("instant");
                      });
              return Process.receive(Down.class, d -> d.ref() == spawned.monitor(), WAIT)
                  .orElseThrow();
            });
    assertThat(down.reason().cause())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("instant");
  }

  @Test
  void exitOfSelfUnwindsWithTheReason() throws Exception {
    Down down =
        InProcess.call(
            () -> {
              Process.Spawned spawned =
                  Process.spawnMonitor(() -> Process.exit(Process.self(), ExitReason.normal()));
              return Process.receive(Down.class, d -> d.ref() == spawned.monitor(), WAIT)
                  .orElseThrow();
            });
    assertThat(down.reason()).isEqualTo(ExitReason.normal());
  }
}
