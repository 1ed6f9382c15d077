package dev.molt.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.Down;
import dev.molt.ExitReason;
import dev.molt.InProcess;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SupervisorTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  /** A worker that records its starts and stops, and crashes or stops on request. */
  static final class Worker implements GenServer<String> {
    final List<String> events;
    final boolean trap;

    Worker(List<String> events, boolean trap) {
      this.events = events;
      this.trap = trap;
    }

    @Override
    public Init<String> init(Object arg) {
      if (trap) {
        Process.trapExit(true);
      }
      events.add("start " + arg);
      return Init.ok((String) arg);
    }

    @Override
    public CallResult<String> handleCall(Object request, From from, String id) {
      return switch (request instanceof String s ? s : "?") {
        case "crash" -> throw new IllegalStateException(id + " crashed");
        case "normal" -> Stop.withReply(ExitReason.normal(), "bye", id);
        case "hang-on-exit" -> new Reply<>("ok", id + ":hang");
        default -> new Reply<>(id, id);
      };
    }

    @Override
    public CastResult<String> handleCast(Object request, String id) {
      return new NoReply<>(id);
    }

    @Override
    public void terminate(ExitReason reason, String id) throws InterruptedException {
      events.add("stop " + id.replace(":hang", "") + " " + reason);
      if (id.endsWith(":hang")) {
        new CountDownLatch(1).await(); // never released: only a kill ends this child
      }
    }
  }

  private static ChildSpec worker(String id, List<String> events) {
    return ChildSpec.worker(id, args -> GenServer.startLink(new Worker(events, true), id));
  }

  private static Pid child(Pid sup, String id) {
    return Supervisor.whichChildren(sup).stream()
        .filter(c -> c.id().equals(id))
        .findFirst()
        .orElseThrow()
        .pid();
  }

  private static void crash(Pid pid) {
    assertThatThrownBy(() -> GenServer.call(pid, "crash")).isInstanceOf(CallException.class);
  }

  @Test
  void childrenStartInOrderAndStopInReverse() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(
                RestartStrategy.ONE_FOR_ONE,
                worker("a", events),
                worker("b", events),
                worker("c", events)));
    assertThat(Supervisor.whichChildren(sup))
        .extracting(ChildInfo::id)
        .containsExactly("a", "b", "c");
    GenServer.stop(sup, ExitReason.shutdown(), WAIT);
    assertThat(events)
        .containsExactly(
            "start a",
            "start b",
            "start c",
            "stop c shutdown",
            "stop b shutdown",
            "stop a shutdown");
  }

  @Test
  void oneForOneRestartsOnlyTheFailedChild() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE, worker("a", events), worker("b", events))
                .withIntensity(5, Duration.ofSeconds(10)));
    Pid a = child(sup, "a");
    Pid b = child(sup, "b");
    crash(a);
    await().until(() -> child(sup, "a") != null && child(sup, "a") != a);
    assertThat(child(sup, "b")).isSameAs(b);
    assertThat(GenServer.call(child(sup, "a"), "id")).isEqualTo("a");
    GenServer.stop(sup);
  }

  @Test
  void oneForAllRestartsEveryChild() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(
                    RestartStrategy.ONE_FOR_ALL,
                    worker("a", events),
                    worker("b", events),
                    worker("c", events))
                .withIntensity(5, Duration.ofSeconds(10)));
    Pid a = child(sup, "a");
    Pid b = child(sup, "b");
    Pid c = child(sup, "c");
    events.clear();
    crash(b);
    await()
        .until(
            () ->
                Supervisor.whichChildren(sup).stream()
                    .allMatch(
                        ch ->
                            ch.pid() != null
                                && ch.pid().isAlive()
                                && ch.pid() != a
                                && ch.pid() != b
                                && ch.pid() != c));
    assertThat(events)
        .containsExactly(
            "stop b crash(java.lang.IllegalStateException: b crashed)",
            "stop c shutdown",
            "stop a shutdown",
            "start a",
            "start b",
            "start c");
    GenServer.stop(sup);
  }

  @Test
  void restForOneRestartsTheFailedChildAndTheOnesAfterIt() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(
                    RestartStrategy.REST_FOR_ONE,
                    worker("a", events),
                    worker("b", events),
                    worker("c", events))
                .withIntensity(5, Duration.ofSeconds(10)));
    Pid a = child(sup, "a");
    Pid b = child(sup, "b");
    Pid c = child(sup, "c");
    crash(b);
    await()
        .until(
            () ->
                child(sup, "b") != null
                    && child(sup, "b") != b
                    && child(sup, "c") != null
                    && child(sup, "c") != c);
    assertThat(child(sup, "a")).isSameAs(a);
    assertThat(c.isAlive()).isFalse();
    GenServer.stop(sup);
  }

  @Test
  void transientChildrenAreRestartedOnlyAfterAnAbnormalExit() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(
                    RestartStrategy.ONE_FOR_ONE, worker("t", events).withRestart(Restart.TRANSIENT))
                .withIntensity(5, Duration.ofSeconds(10)));
    Pid first = child(sup, "t");
    crash(first);
    await().until(() -> child(sup, "t") != null && child(sup, "t") != first);
    Pid second = child(sup, "t");
    assertThat(GenServer.call(second, "normal")).isEqualTo("bye");
    await().until(() -> child(sup, "t") == null);
    assertThat(Supervisor.whichChildren(sup)).hasSize(1);
    GenServer.stop(sup);
  }

  @Test
  void temporaryChildrenAreNeverRestartedAndForgotten() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(
                RestartStrategy.ONE_FOR_ONE,
                worker("tmp", events).withRestart(Restart.TEMPORARY),
                worker("keep", events)));
    crash(child(sup, "tmp"));
    await().until(() -> Supervisor.countChildren(sup).specs() == 1);
    assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::id).containsExactly("keep");
    GenServer.stop(sup);
  }

  @Test
  void exceedingTheRestartIntensityStopsTheSupervisorWithShutdown() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    Down down =
        InProcess.call(
            () -> {
              Pid sup =
                  Supervisor.start(
                      SupervisorSpec.of(
                              RestartStrategy.ONE_FOR_ONE, worker("a", events), worker("b", events))
                          .withIntensity(2, Duration.ofMinutes(1)));
              Ref ref = Process.monitor(sup);
              for (int i = 0; i < 3; i++) {
                Pid a = child(sup, "a");
                crash(a);
                if (i < 2) {
                  await().until(() -> child(sup, "a") != null && child(sup, "a") != a);
                }
              }
              return Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
            });
    assertThat(down.reason()).as("as OTP's supervisor").isEqualTo(ExitReason.shutdown());
    assertThat(events).contains("stop b shutdown");
  }

  @Test
  void restartsOlderThanThePeriodDoNotCount() {
    AtomicLong now = new AtomicLong();
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE, worker("a", events))
                .withIntensity(1, Duration.ofSeconds(5))
                .withTicker(now::get));
    for (int i = 0; i < 5; i++) {
      Pid a = child(sup, "a");
      crash(a);
      await().until(() -> child(sup, "a") != null && child(sup, "a") != a);
      now.addAndGet(Duration.ofSeconds(6).toNanos());
    }
    assertThat(sup.isAlive()).isTrue();
    GenServer.stop(sup);
  }

  @Test
  void aChildThatIgnoresShutdownIsKilledAfterItsTimeout() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(
                RestartStrategy.ONE_FOR_ONE,
                worker("slow", events)
                    .withShutdown(ChildShutdown.timeout(Duration.ofMillis(100)))));
    Pid slow = child(sup, "slow");
    GenServer.call(slow, "hang-on-exit");
    Supervisor.terminateChild(sup, "slow");
    assertThat(slow.isAlive()).isFalse();
    assertThat(Process.exitReason(slow)).contains(ExitReason.killed());
    assertThat(events).contains("stop slow shutdown");
    GenServer.stop(sup);
  }

  @Test
  void brutalKillGivesNoChanceToTerminate() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(
                RestartStrategy.ONE_FOR_ONE,
                worker("k", events).withShutdown(ChildShutdown.brutalKill())));
    Pid k = child(sup, "k");
    Supervisor.terminateChild(sup, "k");
    assertThat(Process.exitReason(k)).contains(ExitReason.killed());
    assertThat(events).containsExactly("start k");
    GenServer.stop(sup);
  }

  @Test
  void terminateRestartAndDeleteAChild() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup = Supervisor.start(SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE, worker("a", events)));
    assertThatThrownBy(() -> Supervisor.deleteChild(sup, "a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("child a")
        .hasMessageContaining("terminate it first");
    assertThatThrownBy(() -> Supervisor.restartChild(sup, "a")).hasMessageContaining("is running");
    Supervisor.terminateChild(sup, "a");
    assertThat(child(sup, "a")).isNull();
    Pid again = Supervisor.restartChild(sup, "a");
    assertThat(GenServer.call(again, "id")).isEqualTo("a");
    Supervisor.terminateChild(sup, "a");
    Supervisor.deleteChild(sup, "a");
    assertThat(Supervisor.whichChildren(sup)).isEmpty();
    assertThatThrownBy(() -> Supervisor.terminateChild(sup, "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no child a");
    GenServer.stop(sup);
  }

  @Test
  void startChildAddsAChildAndRefusesADuplicateId() {
    List<String> events = new CopyOnWriteArrayList<>();
    Pid sup = Supervisor.start(SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE));
    Pid a = Supervisor.startChild(sup, worker("a", events).withModules("kv"));
    assertThat(Supervisor.whichChildren(sup))
        .containsExactly(new ChildInfo("a", a, ChildType.WORKER, List.of("kv")));
    assertThatThrownBy(() -> Supervisor.startChild(sup, worker("a", events)))
        .hasMessageContaining("already started as " + a);
    GenServer.stop(sup);
  }

  @Test
  void aChildThatFailsToStartFailsTheSupervisorsStart() {
    List<String> events = new CopyOnWriteArrayList<>();
    ChildSpec broken =
        ChildSpec.worker(
            "broken",
            args -> {
              throw new IllegalStateException("cannot start");
            });
    assertThatThrownBy(
            () ->
                Supervisor.start(
                    SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE, worker("a", events), broken)))
        .isInstanceOf(StartException.class)
        .hasMessageContaining("failed_to_start_child")
        .hasMessageContaining("broken");
    assertThat(events).containsExactly("start a", "stop a shutdown");
  }

  @Test
  void simpleOneForOneStartsChildrenFromItsTemplate() {
    Map<Object, Pid> started = new ConcurrentHashMap<>();
    ChildSpec template =
        ChildSpec.worker(
                "conn",
                args -> {
                  Pid pid =
                      GenServer.startLink(
                          new Worker(new CopyOnWriteArrayList<>(), false), args.getFirst());
                  started.put(args.getFirst(), pid);
                  return pid;
                })
            .withRestart(Restart.TRANSIENT);
    Pid sup =
        Supervisor.start(
            SupervisorSpec.of(RestartStrategy.SIMPLE_ONE_FOR_ONE, template)
                .withIntensity(5, Duration.ofSeconds(10)));
    Pid one = Supervisor.startChild(sup, List.of("one"));
    Pid two = Supervisor.startChild(sup, List.of("two"));
    assertThat(GenServer.call(two, "id")).isEqualTo("two");
    assertThat(Supervisor.countChildren(sup)).isEqualTo(new ChildCounts(1, 2, 0, 2));
    crash(one);
    await().until(() -> started.get("one") != one && Supervisor.countChildren(sup).active() == 2);
    assertThat(GenServer.call(started.get("one"), "id")).isEqualTo("one");
    Supervisor.terminateChild(sup, two);
    assertThat(Supervisor.countChildren(sup)).isEqualTo(new ChildCounts(1, 1, 0, 1));
    assertThatThrownBy(() -> Supervisor.startChild(sup, ChildSpec.worker("x", args -> null)))
        .hasMessageContaining("SIMPLE_ONE_FOR_ONE");
    GenServer.stop(sup);
  }

  @Test
  void aRequestToASupervisorBusyWithAHangingStartCanTimeOut() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    Pid sup = Supervisor.start(SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE));
    ChildSpec hangs =
        ChildSpec.worker(
            "hangs",
            args -> {
              entered.countDown();
              release.await();
              return null;
            });
    Process.spawn(() -> Supervisor.startChild(sup, hangs));
    assertThat(entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(
            () ->
                Supervisor.startChild(
                    sup, ChildSpec.worker("b", args -> null), Duration.ofMillis(200)))
        .isInstanceOfSatisfying(
            CallException.class, e -> assertThat(e.kind()).isEqualTo(CallException.Kind.TIMEOUT));
    assertThatThrownBy(() -> Supervisor.terminateChild(sup, "hangs", Duration.ofMillis(100)))
        .isInstanceOf(CallException.class);
    release.countDown();
    await().until(() -> Supervisor.whichChildren(sup).size() >= 1);
    Supervisor.stop(sup, ExitReason.shutdown(), WAIT);
    assertThat(Process.isAlive(sup)).isFalse();
  }

  @Test
  void badSpecsAreRefusedWithAReason() {
    List<String> events = new CopyOnWriteArrayList<>();
    assertThatThrownBy(
            () ->
                SupervisorSpec.of(
                    RestartStrategy.ONE_FOR_ONE, worker("a", events), worker("a", events)))
        .hasMessageContaining("two children have the id a");
    assertThatThrownBy(() -> SupervisorSpec.of(RestartStrategy.SIMPLE_ONE_FOR_ONE))
        .hasMessageContaining("exactly one child spec");
    assertThatThrownBy(
            () ->
                SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE)
                    .withIntensity(-1, Duration.ofSeconds(1)))
        .hasMessageContaining("intensity");
    assertThatThrownBy(() -> ChildShutdown.timeout(Duration.ofMillis(-1)))
        .hasMessageContaining("0 or more");
  }

  @Test
  void nestedSupervisorsStopTheirChildrenFirst() {
    List<String> events = new CopyOnWriteArrayList<>();
    ChildSpec inner =
        ChildSpec.supervisor(
            "inner",
            args ->
                Supervisor.startLink(
                    SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE, worker("leaf", events))));
    Pid top =
        Supervisor.start(
            SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE, worker("first", events), inner));
    GenServer.stop(top, ExitReason.shutdown(), WAIT);
    assertThat(events)
        .containsExactly("start first", "start leaf", "stop leaf shutdown", "stop first shutdown");
  }
}
