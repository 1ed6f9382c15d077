package dev.molt.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.Down;
import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.InProcess;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.ChildCounts;
import dev.molt.behaviour.ChildInfo;
import dev.molt.behaviour.ChildShutdown;
import dev.molt.behaviour.ChildSpec;
import dev.molt.behaviour.ChildStart;
import dev.molt.behaviour.ChildType;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import dev.molt.behaviour.Restart;
import dev.molt.behaviour.RestartStrategy;
import dev.molt.behaviour.StartException;
import dev.molt.behaviour.Stop;
import dev.molt.behaviour.Supervisor;
import dev.molt.behaviour.SupervisorSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * OTP's {@code lib/stdlib/test/supervisor_SUITE.erl}, case by case, against {@link Supervisor}.
 * Each test names the OTP case it ports. An OTP {@code {error, not_found}} is an {@link
 * IllegalArgumentException} here, other {@code {error, _}} answers an {@link
 * IllegalStateException}; cases Molt does not support are listed in docs/otp-compatibility.md.
 */
class OtpSupervisorSuiteTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration LONG = Duration.ofHours(1);

  /**
   * OTP's {@code supervisor_1}: a gen_server that traps exits, stops with the reason of any exit
   * signal that reaches it, and sleeps on request (a child slow to shut down).
   */
  static final class Child1 implements GenServer<String> {
    @Override
    public Init<String> init(Object arg) {
      Process.trapExit(true);
      return Init.ok("child");
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
    public CastResult<String> handleInfo(Object message, String state) {
      if (message instanceof Busy) {
        try {
          new CountDownLatch(1).await(); // busy until killed: it never sees its shutdown signal
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else if (message instanceof Exit exit) {
        return new Stop<>(exit.reason(), false, null, state);
      }
      return new NoReply<>(state);
    }
  }

  /** Keeps a child busy until it is killed, as the suite's {@code {sleep, 200000}}. */
  record Busy() {}

  private static final ChildStart START = args -> GenServer.startLink(new Child1(), null);

  /** {@code supervisor_1:start_child(ignore)}. */
  private static final ChildStart IGNORE = args -> null;

  /** {@code supervisor_1:start_child(error)}: starts once, then every restart fails. */
  private static ChildStart errorOnRestart() {
    AtomicInteger starts = new AtomicInteger();
    return args -> {
      if (starts.getAndIncrement() > 0) {
        throw new IllegalStateException("restart refused");
      }
      return GenServer.startLink(new Child1(), null);
    };
  }

  private static ChildSpec child(String id, ChildStart start, Restart restart) {
    return new ChildSpec(
        id,
        start,
        restart,
        ChildShutdown.timeout(Duration.ofMillis(1000)),
        ChildType.WORKER,
        List.of());
  }

  private static ChildSpec child(String id) {
    return child(id, START, Restart.PERMANENT);
  }

  private static SupervisorSpec flags(RestartStrategy strategy, int intensity, ChildSpec... cs) {
    return new SupervisorSpec(
        strategy, intensity, Duration.ofSeconds(3600), List.of(cs), System::nanoTime);
  }

  private static ChildCounts counts(int specs, int active, int supervisors, int workers) {
    return new ChildCounts(specs, active, supervisors, workers);
  }

  /**
   * OTP's {@code terminate(SupPid, ChildPid, Id, Reason)}: sends the child an exit signal and waits
   * until the supervisor has handled the child's end.
   */
  private static void terminate(Pid sup, Pid child, ExitReason reason) {
    Ref ref = Process.monitor(child);
    Process.exit(child, reason);
    Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
    await()
        .atMost(WAIT)
        .until(
            () ->
                !Process.isAlive(sup)
                    || Supervisor.whichChildren(sup).stream()
                        .noneMatch(c -> child.equals(c.pid())));
  }

  /** Stops a supervisor as OTP's {@code terminate(Pid, shutdown)} and waits for its end. */
  private static ExitReason stop(Pid sup) {
    Ref ref = Process.monitor(sup);
    Process.unlink(sup);
    Process.exit(sup, ExitReason.shutdown());
    return Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow().reason();
  }

  private static ExitReason awaitExit(Pid pid) {
    return Process.receive(Exit.class, e -> e.from().equals(pid), WAIT).orElseThrow().reason();
  }

  /** Runs {@code body} in a process that traps exits, as every OTP case does first. */
  private static void trapping(dev.molt.ProcessBody body) throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          body.run();
        });
  }

  /** Starts a child and links the test to it, to see how it ends. */
  private static Pid startLinked(Pid sup, ChildSpec spec) {
    Pid pid = Supervisor.startChild(sup, spec);
    Process.link(pid);
    return pid;
  }

  /** Starts a dynamic child of a {@code SIMPLE_ONE_FOR_ONE} supervisor and links to it. */
  private static Pid startLinked(Pid sup, List<Object> args) {
    Pid pid = Supervisor.startChild(sup, args);
    Process.link(pid);
    return pid;
  }

  // ---- sup_start group -----------------------------------------------------------------

  @Test // sup_start_normal
  void supStartNormal() throws Exception {
    InProcess.run(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2));
          assertThat(stop(sup)).isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // sup_start_ignore_child
  void supStartIgnoreChild() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2));
          assertThat(Supervisor.startChild(sup, child("child1", IGNORE, Restart.PERMANENT)))
              .isNull();
          Pid c2 = Supervisor.startChild(sup, child("child2"));
          assertThat(Supervisor.whichChildren(sup))
              .containsExactly(
                  new ChildInfo("child1", null, ChildType.WORKER, List.of()),
                  new ChildInfo("child2", c2, ChildType.WORKER, List.of()));
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(2, 1, 0, 2));
          stop(sup);
        });
  }

  @Test // sup_start_ignore_temporary_child
  void supStartIgnoreTemporaryChild() throws Exception {
    trapping(
        () -> {
          Pid sup =
              Supervisor.startLink(
                  flags(
                      RestartStrategy.ONE_FOR_ONE,
                      2,
                      child("child1", IGNORE, Restart.TEMPORARY),
                      child("child2", START, Restart.TEMPORARY)));
          assertThat(Supervisor.whichChildren(sup))
              .extracting(ChildInfo::id)
              .containsExactly("child2");
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          stop(sup);
        });
  }

  @Test // sup_start_ignore_temporary_child_start_child
  void supStartIgnoreTemporaryChildStartChild() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2));
          assertThat(Supervisor.startChild(sup, child("child1", IGNORE, Restart.TEMPORARY)))
              .isNull();
          Pid c2 = Supervisor.startChild(sup, child("child2", START, Restart.TEMPORARY));
          assertThat(Supervisor.whichChildren(sup))
              .containsExactly(new ChildInfo("child2", c2, ChildType.WORKER, List.of()));
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          stop(sup);
        });
  }

  /** A start that says ignore the first time and starts a child after that. */
  private static ChildStart ignoreFirst() {
    AtomicInteger starts = new AtomicInteger();
    return args -> starts.getAndIncrement() == 0 ? null : GenServer.startLink(new Child1(), null);
  }

  @Test // sup_start_ignore_temporary_child_start_child_simple
  void supStartIgnoreTemporaryChildStartChildSimple() throws Exception {
    ignoredDynamicChildIsNotKept(Restart.TEMPORARY);
  }

  @Test // sup_start_ignore_permanent_child_start_child_simple
  void supStartIgnorePermanentChildStartChildSimple() throws Exception {
    ignoredDynamicChildIsNotKept(Restart.PERMANENT);
  }

  private static void ignoredDynamicChildIsNotKept(Restart restart) throws Exception {
    trapping(
        () -> {
          Pid sup =
              Supervisor.startLink(
                  flags(
                      RestartStrategy.SIMPLE_ONE_FOR_ONE,
                      2,
                      child("child1", ignoreFirst(), restart)));
          assertThat(Supervisor.startChild(sup, List.of())).isNull();
          Pid c2 = Supervisor.startChild(sup, List.of());
          assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::pid).containsExactly(c2);
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          assertThat(stop(sup)).as("terminates without error").isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // sup_start_fail
  void supStartFail() throws Exception {
    trapping(
        () -> {
          ChildStart crashes =
              args -> {
                throw new IllegalStateException("badmatch");
              };
          assertThatThrownBy(
                  () ->
                      Supervisor.startLink(
                          flags(
                              RestartStrategy.ONE_FOR_ONE,
                              2,
                              child("c", crashes, Restart.PERMANENT))))
              .isInstanceOf(StartException.class)
              .hasMessageContaining("failed_to_start_child");
        });
  }

  // ---- sup_start_map: the full child spec can be read back -------------------------------

  @Test // sup_start_map
  void supStartMap() throws Exception {
    InProcess.run(
        () -> {
          ChildSpec c1 = ChildSpec.worker("child1", START);
          ChildSpec c2 = ChildSpec.worker("child2", START).withShutdown(ChildShutdown.brutalKill());
          ChildSpec c3 = ChildSpec.supervisor("child3", START);
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2, c1, c2, c3));
          assertThat(Supervisor.getChildSpec(sup, "child1")).contains(c1);
          assertThat(Supervisor.getChildSpec(sup, "child2")).contains(c2);
          assertThat(Supervisor.getChildSpec(sup, "child3")).contains(c3);
          assertThat(Supervisor.getChildSpec(sup, "child3").orElseThrow().shutdown())
              .isEqualTo(ChildShutdown.infinity());
          assertThat(Supervisor.getChildSpec(sup, "child4")).isEmpty();
          Pid p1 = Supervisor.whichChild(sup, "child1").orElseThrow().pid();
          assertThat(Supervisor.getChildSpec(sup, p1)).contains(c1);
          stop(sup);
        });
  }

  // ---- sup_stop group ----------------------------------------------------------------

  @Test // sup_stop_infinity
  void supStopInfinity() throws Exception {
    supStop(
        ChildSpec.supervisor("child1", START).withShutdown(ChildShutdown.infinity()),
        ChildSpec.worker("child2", START).withShutdown(ChildShutdown.infinity()),
        false,
        ExitReason.shutdown());
  }

  @Test // sup_stop_timeout
  void supStopTimeout() throws Exception {
    supStop(child("child1"), child("child2"), true, ExitReason.killed());
  }

  @Test // sup_stop_brutal_kill
  void supStopBrutalKill() throws Exception {
    supStop(
        child("child1"),
        ChildSpec.worker("child2", START).withShutdown(ChildShutdown.brutalKill()),
        false,
        ExitReason.killed());
  }

  /** OTP's {@code sup_stop/1}: how two children end when their supervisor is shut down. */
  private static void supStop(ChildSpec first, ChildSpec second, boolean busy, ExitReason ends)
      throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2));
          Pid c1 = startLinked(sup, first);
          Pid c2 = startLinked(sup, second);
          if (busy) {
            Process.send(c2, new Busy()); // too busy to stop within its 1 s
          }
          stop(sup);
          assertThat(awaitExit(c1)).isEqualTo(ExitReason.shutdown());
          assertThat(awaitExit(c2)).isEqualTo(ends);
        });
  }

  @Test // (OTP accepts a shutdown of 0: signal, then kill unless already gone)
  void aShutdownOfZeroKillsAChildThatDoesNotStopAtOnce() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2));
          Pid c =
              Supervisor.startChild(
                  sup,
                  ChildSpec.worker("c", START).withShutdown(ChildShutdown.timeout(Duration.ZERO)));
          Process.link(c);
          Process.send(c, new Busy());
          Supervisor.terminateChild(sup, "c");
          assertThat(awaitExit(c)).isEqualTo(ExitReason.killed());
          stop(sup);
        });
  }

  // ---- child administration ----------------------------------------------------------

  @Test // child_adm
  void childAdm() throws Exception {
    trapping(
        () -> {
          ChildSpec spec = child("child1");
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2, spec));
          Pid cpid = Supervisor.whichChildren(sup).getFirst().pid();
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          Process.link(cpid);

          assertThatThrownBy(() -> Supervisor.startChild(sup, spec))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("already started as " + cpid);

          assertThatThrownBy(() -> Supervisor.terminateChild(sup, "hej"))
              .isInstanceOf(IllegalArgumentException.class);
          Supervisor.terminateChild(sup, "child1");
          assertThat(awaitExit(cpid)).isEqualTo(ExitReason.shutdown());
          assertThat(Supervisor.whichChildren(sup))
              .containsExactly(new ChildInfo("child1", null, ChildType.WORKER, List.of()));
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 0, 0, 1));
          // like deleting something that does not exist, it succeeds
          Supervisor.terminateChild(sup, "child1");

          assertThatThrownBy(() -> Supervisor.startChild(sup, spec))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("already present");

          Pid cpid2 = Supervisor.restartChild(sup, "child1");
          assertThat(Supervisor.whichChildren(sup))
              .extracting(ChildInfo::pid)
              .containsExactly(cpid2);
          assertThatThrownBy(() -> Supervisor.restartChild(sup, "child1"))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("running");
          assertThatThrownBy(() -> Supervisor.restartChild(sup, "child2"))
              .isInstanceOf(IllegalArgumentException.class);

          assertThatThrownBy(() -> Supervisor.deleteChild(sup, "child1"))
              .isInstanceOf(IllegalStateException.class);
          assertThatThrownBy(() -> Supervisor.deleteChild(sup, "hej"))
              .isInstanceOf(IllegalArgumentException.class);
          Supervisor.terminateChild(sup, "child1");
          Supervisor.deleteChild(sup, "child1");
          assertThatThrownBy(() -> Supervisor.restartChild(sup, "child1"))
              .isInstanceOf(IllegalArgumentException.class);
          assertThat(Supervisor.whichChildren(sup)).isEmpty();
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(0, 0, 0, 0));

          Pid cpid3 = Supervisor.startChild(sup, spec);
          // terminate with a pid is not allowed when not simple_one_for_one: not_found
          assertThatThrownBy(() -> Supervisor.terminateChild(sup, cpid3))
              .isInstanceOf(IllegalArgumentException.class);
          assertThat(Process.isAlive(cpid3)).isTrue();
          assertThat(Supervisor.whichChildren(sup))
              .extracting(ChildInfo::pid)
              .containsExactly(cpid3);
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          stop(sup);
        });
  }

  @Test // child_adm_simple
  void childAdmSimple() throws Exception {
    trapping(
        () -> {
          Pid sup =
              Supervisor.startLink(flags(RestartStrategy.SIMPLE_ONE_FOR_ONE, 2, child("child")));
          assertThat(Supervisor.whichChildren(sup)).isEmpty();
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 0, 0, 0));
          Pid c1 = Supervisor.startChild(sup, List.of());
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          Pid c2 = Supervisor.startChild(sup, List.of());
          assertThat(Supervisor.whichChildren(sup))
              .extracting(ChildInfo::pid)
              .containsExactly(c1, c2);
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 2, 0, 2));

          assertThatThrownBy(() -> Supervisor.terminateChild(sup, "child1"))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("SIMPLE_ONE_FOR_ONE");
          Supervisor.terminateChild(sup, c1);
          assertThat(Process.isAlive(c1)).isFalse();
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          // terminating a process that no longer exists is ok
          Supervisor.terminateChild(sup, c1);
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          // a live process that is not a child is not ok, and is left alone
          Pid stranger = Process.spawnLink(() -> Process.receive());
          assertThatThrownBy(() -> Supervisor.terminateChild(sup, stranger))
              .isInstanceOf(IllegalArgumentException.class);
          assertThat(Process.isAlive(stranger)).isTrue();

          assertThatThrownBy(() -> Supervisor.restartChild(sup, "child1"))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("SIMPLE_ONE_FOR_ONE");
          assertThatThrownBy(() -> Supervisor.deleteChild(sup, "child1"))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("SIMPLE_ONE_FOR_ONE");
          Process.exit(stranger, ExitReason.kill());
          stop(sup);
        });
  }

  // ---- permanent, transient and temporary ----------------------------------------------

  private static void restartType(
      Restart restart, ExitReason reason, boolean restarted, boolean kept) throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2));
          Pid c1 = Supervisor.startChild(sup, child("child1", START, restart));
          terminate(sup, c1, reason);
          List<ChildInfo> children = Supervisor.whichChildren(sup);
          if (!kept) {
            assertThat(children).isEmpty();
            assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(0, 0, 0, 0));
          } else if (restarted) {
            assertThat(children).singleElement().extracting(ChildInfo::pid).isNotNull();
            assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          } else {
            assertThat(children)
                .containsExactly(new ChildInfo("child1", null, ChildType.WORKER, List.of()));
            assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 0, 0, 1));
          }
          stop(sup);
        });
  }

  @Test // permanent_normal
  void permanentNormal() throws Exception {
    restartType(Restart.PERMANENT, ExitReason.normal(), true, true);
  }

  @Test // transient_normal
  void transientNormal() throws Exception {
    restartType(Restart.TRANSIENT, ExitReason.normal(), false, true);
  }

  @Test // temporary_normal
  void temporaryNormal() throws Exception {
    restartType(Restart.TEMPORARY, ExitReason.normal(), false, false);
  }

  @Test // permanent_shutdown
  void permanentShutdown() throws Exception {
    restartType(Restart.PERMANENT, ExitReason.shutdown(), true, true);
    restartType(Restart.PERMANENT, ExitReason.shutdown("some_info"), true, true);
  }

  @Test // transient_shutdown
  void transientShutdown() throws Exception {
    restartType(Restart.TRANSIENT, ExitReason.shutdown(), false, true);
    restartType(Restart.TRANSIENT, ExitReason.shutdown("some_info"), false, true);
  }

  @Test // temporary_shutdown
  void temporaryShutdown() throws Exception {
    restartType(Restart.TEMPORARY, ExitReason.shutdown(), false, false);
    restartType(Restart.TEMPORARY, ExitReason.shutdown("some_info"), false, false);
  }

  @Test // permanent_abnormal
  void permanentAbnormal() throws Exception {
    restartType(Restart.PERMANENT, ExitReason.of("abnormal"), true, true);
  }

  @Test // transient_abnormal
  void transientAbnormal() throws Exception {
    restartType(Restart.TRANSIENT, ExitReason.of("abnormal"), true, true);
  }

  @Test // temporary_abnormal
  void temporaryAbnormal() throws Exception {
    restartType(Restart.TEMPORARY, ExitReason.of("abnormal"), false, false);
  }

  @Test // temporary_bystander
  void temporaryBystander() throws Exception {
    InProcess.run(
        () -> {
          for (RestartStrategy strategy :
              List.of(RestartStrategy.ONE_FOR_ALL, RestartStrategy.REST_FOR_ONE)) {
            Pid sup =
                Supervisor.start(
                    new SupervisorSpec(
                        strategy, 2, Duration.ofSeconds(300), List.of(), System::nanoTime));
            Pid c1 = Supervisor.startChild(sup, child("child1"));
            Supervisor.startChild(sup, child("child2", START, Restart.TEMPORARY));
            terminate(sup, c1, ExitReason.normal()); // returns once the restart was handled
            assertThat(Process.isAlive(sup)).as(strategy + " supervisor alive").isTrue();
            assertThat(Supervisor.whichChildren(sup))
                .as("%s drops its temporary child instead of restarting it", strategy)
                .extracting(ChildInfo::id)
                .containsExactly("child1");
            GenServer.stop(sup);
          }
        });
  }

  // ---- restart strategies --------------------------------------------------------------

  @Test // multiple_restarts
  void multipleRestarts() throws Exception {
    trapping(
        () -> {
          // the supervisor's clock: each round moves it past the 1 s period, without sleeping
          java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
          Pid sup =
              Supervisor.startLink(
                  new SupervisorSpec(
                      RestartStrategy.ONE_FOR_ONE, 1, Duration.ofSeconds(1), List.of(), now::get));
          Pid c1 =
              Supervisor.startChild(
                  sup, ChildSpec.worker("child1", START).withShutdown(ChildShutdown.brutalKill()));
          terminate(sup, c1, ExitReason.of("abnormal"));
          for (int i = 0; i < 3; i++) {
            now.addAndGet(Duration.ofMillis(2100).toNanos());
            Pid pid = Supervisor.whichChildren(sup).getFirst().pid();
            terminate(sup, pid, ExitReason.of("abnormal"));
          }
          assertThat(Process.isAlive(sup)).isTrue();
          Supervisor.terminateChild(sup, "child1");
          Supervisor.deleteChild(sup, "child1");
          stop(sup);
        });
  }

  @Test // one_for_one
  void oneForOne() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2));
          Pid c1 = Supervisor.startChild(sup, child("child1"));
          Pid c2 = Supervisor.startChild(sup, child("child2"));
          terminate(sup, c1, ExitReason.of("abnormal"));
          assertThat(Supervisor.whichChildren(sup))
              .hasSize(2)
              .extracting(ChildInfo::pid)
              .contains(c2);
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(2, 2, 0, 2));
          terminate(sup, c2, ExitReason.of("abnormal"));
          Pid next = Supervisor.whichChildren(sup).getFirst().pid();
          Process.exit(next, ExitReason.of("abnormal"));
          assertThat(awaitExit(sup))
              .as("the third restart in the period")
              .isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // one_for_one_escalation
  void oneForOneEscalation() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 4));
          Pid c1 = Supervisor.startChild(sup, child("child1", errorOnRestart(), Restart.PERMANENT));
          Pid c2 = startLinked(sup, child("child2"));
          Process.exit(c1, ExitReason.of("abnormal"));
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
          assertThat(awaitExit(c2)).isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // one_for_all
  void oneForAll() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ALL, 2));
          Pid c1 = Supervisor.startChild(sup, child("child1"));
          Pid c2 = startLinked(sup, child("child2"));
          terminate(sup, c1, ExitReason.of("abnormal"));
          awaitExit(c2);
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup).active() == 2);
          assertThat(Supervisor.whichChildren(sup))
              .extracting(ChildInfo::pid)
              .doesNotContain(c1, c2);
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(2, 2, 0, 2));
          terminate(sup, Supervisor.whichChildren(sup).getFirst().pid(), ExitReason.of("abnormal"));
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup).active() == 2);
          Process.exit(Supervisor.whichChildren(sup).getFirst().pid(), ExitReason.of("abnormal"));
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // one_for_all_escalation
  void oneForAllEscalation() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ALL, 4));
          Pid c1 = Supervisor.startChild(sup, child("child1"));
          Pid c2 = startLinked(sup, child("child2", errorOnRestart(), Restart.PERMANENT));
          Process.exit(c1, ExitReason.of("abnormal"));
          assertThat(awaitExit(c2)).isEqualTo(ExitReason.shutdown());
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
        });
  }

  /**
   * OTP's {@code supervisor_3}: a child whose start reports itself to the test and waits for the
   * test to say whether it starts or fails.
   */
  private static ChildStart controlled(String id, BlockingQueue<Start> starts) {
    return args -> {
      Start start = new Start(id, new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());
      starts.put(start);
      if (!start.answer().take()) {
        throw new IllegalStateException(id + " told to fail");
      }
      Pid pid = GenServer.startLink(new Child1(), null);
      start.pid().put(pid);
      return pid;
    };
  }

  /** A start of a controlled child: the test answers whether it starts, and gets its pid. */
  record Start(String id, BlockingQueue<Boolean> answer, BlockingQueue<Pid> pid) {
    void fail() throws InterruptedException {
      answer.put(false);
    }

    Pid succeed() throws InterruptedException {
      answer.put(true);
      return pid.poll(10, TimeUnit.SECONDS);
    }
  }

  private static Start nextStart(BlockingQueue<Start> starts, String id)
      throws InterruptedException {
    Start start = starts.poll(10, TimeUnit.SECONDS);
    assertThat(start).as("a start of " + id).isNotNull();
    assertThat(start.id()).isEqualTo(id);
    return start;
  }

  @Test // one_for_all_other_child_fails_restart
  void oneForAllOtherChildFailsRestart() throws Exception {
    groupRestartIsAllOrNothing(RestartStrategy.ONE_FOR_ALL);
  }

  @Test // rest_for_one_other_child_fails_restart
  void restForOneOtherChildFailsRestart() throws Exception {
    groupRestartIsAllOrNothing(RestartStrategy.REST_FOR_ONE);
  }

  private static void groupRestartIsAllOrNothing(RestartStrategy strategy) throws Exception {
    BlockingQueue<Start> starts = new LinkedBlockingQueue<>();
    trapping(
        () -> {
          Pid starter =
              Process.spawnLink(
                  () -> {
                    Pid sup =
                        Supervisor.startLink(
                            flags(
                                strategy,
                                3,
                                child("child1", controlled("child1", starts), Restart.PERMANENT),
                                child("child2", controlled("child2", starts), Restart.PERMANENT)));
                    Process.receive(); // until the test stops it
                  });
          nextStart(starts, "child1").succeed();
          nextStart(starts, "child2").succeed();
          Pid self = Process.self();
          Pid sup = await().atMost(WAIT).until(() -> supOf(starter, self), p -> p != null);
          Pid child1 = Supervisor.whichChild(sup, "child1").orElseThrow().pid();
          Process.exit(child1, ExitReason.of("die"));
          // child1 restarts, child2 does not
          Pid child1Again = nextStart(starts, "child1").succeed();
          Ref ref = Process.monitor(child1Again);
          nextStart(starts, "child2").fail();
          // the next attempt first stops the child1 that the failed one started
          Down down = Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
          assertThat(down.reason()).isEqualTo(ExitReason.shutdown());
          nextStart(starts, "child1").succeed();
          nextStart(starts, "child2").succeed();
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup).active() == 2);
          assertThat(Process.isAlive(sup)).isTrue();
          Process.exit(starter, ExitReason.kill());
        });
  }

  private static Pid supOf(Pid starter, Pid test) {
    return Process.processes().stream()
        .filter(p -> Process.isLinked(p, starter) && !p.equals(test))
        .findFirst()
        .orElse(null);
  }

  private static Pid runningChild(Pid sup, String id) {
    Optional<ChildInfo> child = Supervisor.whichChild(sup, id);
    return child.map(ChildInfo::pid).orElse(null);
  }

  @Test // simple_one_for_one
  void simpleOneForOne() throws Exception {
    trapping(
        () -> {
          Pid sup =
              Supervisor.startLink(flags(RestartStrategy.SIMPLE_ONE_FOR_ONE, 2, child("child")));
          Pid c1 = Supervisor.startChild(sup, List.of());
          Pid c2 = Supervisor.startChild(sup, List.of());
          terminate(sup, c1, ExitReason.of("abnormal"));
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup).active() == 2);
          assertThat(Supervisor.whichChildren(sup))
              .hasSize(2)
              .extracting(ChildInfo::pid)
              .contains(c2);
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 2, 0, 2));
          terminate(sup, c2, ExitReason.of("abnormal"));
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup).active() == 2);
          Process.exit(Supervisor.whichChildren(sup).getFirst().pid(), ExitReason.of("abnormal"));
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
        });
  }

  /** OTP's {@code supervisor_2}: a child that takes {@code millis} to stop once asked to. */
  static final class SlowStopper implements GenServer<Long> {
    @Override
    public Init<Long> init(Object arg) {
      Process.trapExit(true);
      return Init.ok((Long) arg);
    }

    @Override
    public CallResult<Long> handleCall(Object request, From from, Long state) {
      return new Reply<>(state, state);
    }

    @Override
    public CastResult<Long> handleCast(Object request, Long state) {
      return new NoReply<>(state);
    }

    @Override
    public void terminate(ExitReason reason, Long millis) throws InterruptedException {
      Thread.sleep(millis);
    }
  }

  @Test // simple_one_for_one_shutdown
  void simpleOneForOneShutdown() throws Exception {
    trapping(
        () -> {
          long shutdownTime = 1000;
          ChildSpec template =
              ChildSpec.worker(
                      "child", args -> GenServer.startLink(new SlowStopper(), args.getFirst()))
                  .withShutdown(ChildShutdown.timeout(Duration.ofMillis(2 * shutdownTime)));
          Pid sup = Supervisor.startLink(flags(RestartStrategy.SIMPLE_ONE_FOR_ONE, 2, template));
          Supervisor.startChild(sup, List.of(shutdownTime)); // stop gracefully
          Supervisor.startChild(sup, List.of(shutdownTime));
          Supervisor.startChild(sup, List.of(5 * shutdownTime)); // killed after 2 s
          long start = System.nanoTime();
          stop(sup);
          long tookMillis = (System.nanoTime() - start) / 1_000_000;
          assertThat(tookMillis)
              .as(
                  "stopped together: about 2 s (the third is killed at its 2 s deadline); one"
                      + " after another would take 4 s, which OTP's own bound of 5 s lets pass")
              .isGreaterThanOrEqualTo(2 * shutdownTime)
              .isLessThan(3 * shutdownTime);
        });
  }

  @Test // simple_one_for_one_escalation
  void simpleOneForOneEscalation() throws Exception {
    trapping(
        () -> {
          AtomicInteger starts = new AtomicInteger();
          ChildStart failsAfterTwo =
              args -> {
                if (starts.getAndIncrement() >= 2) {
                  throw new IllegalStateException("restart refused");
                }
                return GenServer.startLink(new Child1(), null);
              };
          Pid sup =
              Supervisor.startLink(
                  flags(
                      RestartStrategy.SIMPLE_ONE_FOR_ONE,
                      4,
                      child("child", failsAfterTwo, Restart.PERMANENT)));
          Pid c1 = startLinked(sup, List.of());
          Pid c2 = startLinked(sup, List.of());
          Process.exit(c1, ExitReason.of("abnormal"));
          assertThat(awaitExit(c1)).isEqualTo(ExitReason.of("abnormal"));
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
          assertThat(awaitExit(c2)).isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // rest_for_one
  void restForOne() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.REST_FOR_ONE, 2));
          Pid c1 = startLinked(sup, child("child1"));
          Pid c2 = Supervisor.startChild(sup, child("child2"));
          Pid c3 = startLinked(sup, child("child3"));
          terminate(sup, c2, ExitReason.of("abnormal"));
          assertThat(awaitExit(c3))
              .as("the child after the failed one")
              .isEqualTo(ExitReason.shutdown());
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup).active() == 3);
          assertThat(Process.isAlive(c1)).isTrue();
          List<Pid> now = Supervisor.whichChildren(sup).stream().map(ChildInfo::pid).toList();
          assertThat(now.getFirst()).isEqualTo(c1);
          assertThat(now).doesNotContain(c2, c3);
          terminate(sup, now.get(1), ExitReason.of("abnormal"));
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup).active() == 3);
          Process.exit(Supervisor.whichChildren(sup).get(2).pid(), ExitReason.of("abnormal"));
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // rest_for_one_escalation
  void restForOneEscalation() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.REST_FOR_ONE, 4));
          Pid c1 = Supervisor.startChild(sup, child("child1"));
          Pid c2 = startLinked(sup, child("child2", errorOnRestart(), Restart.PERMANENT));
          Process.exit(c1, ExitReason.of("abnormal"));
          assertThat(awaitExit(c2)).isEqualTo(ExitReason.shutdown());
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
        });
  }

  // ---- misc --------------------------------------------------------------------------

  @Test // count_children
  void countChildren() throws Exception {
    trapping(
        () -> {
          Pid sup =
              Supervisor.startLink(flags(RestartStrategy.SIMPLE_ONE_FOR_ONE, 2, child("child")));
          for (int i = 0; i < 100; i++) {
            Supervisor.startChild(sup, List.of());
          }
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 100, 0, 100));
          for (ChildInfo c : Supervisor.whichChildren(sup).subList(0, 50)) {
            Supervisor.terminateChild(sup, c.pid());
          }
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 50, 0, 50));
          stop(sup);
        });
  }

  @Test // do_not_save_child_specs_for_temporary_children
  void doNotSaveChildSpecsForTemporaryChildren() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2));
          Pid c = Supervisor.startChild(sup, child("c", START, Restart.TEMPORARY));
          Supervisor.terminateChild(sup, "c");
          assertThat(Process.isAlive(c)).isFalse();
          assertThat(Supervisor.whichChildren(sup)).isEmpty();
          assertThatThrownBy(() -> Supervisor.restartChild(sup, "c"))
              .isInstanceOf(IllegalArgumentException.class);
          stop(sup);
        });
  }

  /** A start that waits, then fails: OTP's {@code hanging_restart_loop} child. */
  private static ChildStart hangsThenFails(AtomicInteger starts) {
    return args -> {
      if (starts.getAndIncrement() == 0) {
        return GenServer.startLink(new Child1(), null);
      }
      Thread.sleep(200);
      throw new IllegalStateException("still broken");
    };
  }

  @Test // hanging_restart_loop
  void hangingRestartLoop() throws Exception {
    hangingRestartLoop(RestartStrategy.ONE_FOR_ONE);
  }

  @Test // hanging_restart_loop_simple
  void hangingRestartLoopSimple() throws Exception {
    hangingRestartLoop(RestartStrategy.SIMPLE_ONE_FOR_ONE);
  }

  private static void hangingRestartLoop(RestartStrategy strategy) throws Exception {
    trapping(
        () -> {
          AtomicInteger starts = new AtomicInteger();
          Pid sup =
              Supervisor.startLink(
                  new SupervisorSpec(
                      strategy,
                      8,
                      Duration.ofSeconds(3600),
                      List.of(child("child1", hangsThenFails(starts), Restart.PERMANENT)),
                      System::nanoTime));
          Pid c =
              strategy == RestartStrategy.SIMPLE_ONE_FOR_ONE
                  ? Supervisor.startChild(sup, List.of())
                  : Supervisor.whichChildren(sup).getFirst().pid();
          Process.exit(c, ExitReason.of("abnormal"));
          await().atMost(WAIT).until(() -> starts.get() >= 3);
          // between attempts the supervisor answers: the child is there, restarting, not running
          ChildInfo retried = Supervisor.whichChildren(sup).getFirst();
          assertThat(retried.pid()).isNull();
          assertThat(retried.restarting()).as("OTP's restarting, not just not running").isTrue();
          assertThat(Supervisor.countChildren(sup).active()).isZero();
          // and it still gives up at its intensity, with shutdown
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
        });
  }

  // ---- auto_shutdown and significant children (OTP 24) ---------------------------------

  private static ChildSpec significant(String id, Restart restart) {
    return child(id, START, restart).withSignificant(true);
  }

  private static Pid autoShutdownSupervisor(
      SupervisorSpec.AutoShutdown mode, ChildSpec... children) {
    return Supervisor.startLink(
        flags(RestartStrategy.ONE_FOR_ONE, 2, children).withAutoShutdown(mode));
  }

  @Test // auto_shutdown any_significant: a significant child ending on its own ends the supervisor
  void anySignificantChildEndingEndsTheSupervisor() throws Exception {
    trapping(
        () -> {
          Pid sup =
              autoShutdownSupervisor(
                  SupervisorSpec.AutoShutdown.ANY_SIGNIFICANT,
                  significant("sig", Restart.TRANSIENT),
                  child("other"));
          Pid other = Supervisor.whichChild(sup, "other").orElseThrow().pid();
          Process.link(other);
          // the child traps exits and stops with the reason it is sent: normal, so not restarted
          Process.exit(Supervisor.whichChild(sup, "sig").orElseThrow().pid(), ExitReason.normal());
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
          assertThat(awaitExit(other)).isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // auto_shutdown all_significant: only once every significant child has ended
  void allSignificantChildrenEndingEndsTheSupervisor() throws Exception {
    trapping(
        () -> {
          Pid sup =
              autoShutdownSupervisor(
                  SupervisorSpec.AutoShutdown.ALL_SIGNIFICANT,
                  significant("a", Restart.TEMPORARY),
                  significant("b", Restart.TRANSIENT),
                  child("other"));
          Pid a = Supervisor.whichChild(sup, "a").orElseThrow().pid();
          Pid b = Supervisor.whichChild(sup, "b").orElseThrow().pid();
          terminate(sup, a, ExitReason.of("abnormal")); // temporary: never restarted
          assertThat(Process.isAlive(sup)).as("b still runs").isTrue();
          Process.exit(b, ExitReason.shutdown());
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // a significant child that is restarted, or stopped by the supervisor, ends nothing
  void aSignificantChildRestartedOrTerminatedDoesNotEndTheSupervisor() throws Exception {
    trapping(
        () -> {
          Pid sup =
              autoShutdownSupervisor(
                  SupervisorSpec.AutoShutdown.ANY_SIGNIFICANT,
                  significant("sig", Restart.TRANSIENT));
          Pid sig = Supervisor.whichChild(sup, "sig").orElseThrow().pid();
          terminate(sup, sig, ExitReason.of("abnormal")); // transient, abnormal: restarted
          assertThat(Supervisor.whichChild(sup, "sig").orElseThrow().pid()).isNotNull();
          Supervisor.terminateChild(sup, "sig");
          assertThat(Process.isAlive(sup)).isTrue();
          stop(sup);
        });
  }

  @Test // significant children are TRANSIENT or TEMPORARY only
  void aPermanentChildCannotBeSignificant() {
    assertThatThrownBy(() -> child("p").withSignificant(true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be significant and PERMANENT");
  }

  // ---- extra return, unlinking children, trees ----------------------------------------

  /** {@code supervisor_1:start_child(extra_return)}: a start that returns information too. */
  private static final ChildStart EXTRA =
      ChildStart.withInfo(
          args -> new ChildStart.Started(GenServer.startLink(new Child1(), null), "extra_return"));

  @Test // extra_return
  void extraReturn() throws Exception {
    trapping(
        () -> {
          ChildSpec spec = child("child1", EXTRA, Restart.PERMANENT);
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2, spec));
          Pid cpid = Supervisor.whichChildren(sup).getFirst().pid();
          Process.link(cpid);
          Supervisor.terminateChild(sup, "child1");
          assertThat(awaitExit(cpid)).isEqualTo(ExitReason.shutdown());
          ChildStart.Started again = Supervisor.restartChildWithInfo(sup, "child1");
          assertThat(again.info()).isEqualTo("extra_return");
          assertThat(Supervisor.whichChildren(sup))
              .extracting(ChildInfo::pid)
              .containsExactly(again.pid());
          Supervisor.terminateChild(sup, "child1");
          Supervisor.deleteChild(sup, "child1");
          ChildStart.Started third = Supervisor.startChildWithInfo(sup, spec);
          assertThat(third.info()).isEqualTo("extra_return");
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 1, 0, 1));
          // the plain API still returns the pid alone
          Supervisor.terminateChild(sup, "child1");
          assertThat(Supervisor.restartChild(sup, "child1")).isNotNull();
          stop(sup);
        });
  }

  @Test // simple_one_for_one_extra
  void simpleOneForOneExtra() throws Exception {
    trapping(
        () -> {
          Pid sup =
              Supervisor.startLink(
                  flags(
                      RestartStrategy.SIMPLE_ONE_FOR_ONE,
                      2,
                      child("child", EXTRA, Restart.PERMANENT)));
          ChildStart.Started c1 = Supervisor.startChildWithInfo(sup, List.of());
          ChildStart.Started c2 = Supervisor.startChildWithInfo(sup, List.of());
          assertThat(List.of(c1.info(), c2.info())).containsOnly("extra_return");
          Process.link(c2.pid());
          terminate(sup, c1.pid(), ExitReason.of("abnormal"));
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup).active() == 2);
          assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::pid).contains(c2.pid());
          assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 2, 0, 2));
          terminate(sup, c2.pid(), ExitReason.of("abnormal"));
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup).active() == 2);
          Process.exit(Supervisor.whichChildren(sup).getFirst().pid(), ExitReason.of("abnormal"));
          assertThat(awaitExit(sup)).isEqualTo(ExitReason.shutdown());
        });
  }

  @Test // child_unlink: a child that unlinked itself does not hang the supervisor's terminate
  void childUnlink() throws Exception {
    trapping(
        () -> {
          Pid sup = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 2));
          ChildStart naughty =
              args ->
                  Process.spawnLink(
                      () -> {
                        Process.trapExit(true);
                        Process.unlink(sup);
                        while (true) {
                          Process.receive(); // ignores its exit signals, as naughty_child does
                        }
                      });
          Supervisor.startChild(sup, child("naughty_child", naughty, Restart.PERMANENT));
          Pid pid = Process.spawn(() -> Supervisor.terminateChild(sup, "naughty_child"));
          Ref ref = Process.monitor(pid);
          // the 1 s shutdown timeout kills it; the supervisor answers after that
          assertThat(Process.receive(Down.class, d -> d.ref() == ref, WAIT)).isPresent();
          assertThat(Supervisor.whichChildren(sup))
              .containsExactly(new ChildInfo("naughty_child", null, ChildType.WORKER, List.of()));
          stop(sup);
        });
  }

  @Test // tree
  void tree() throws Exception {
    trapping(
        () -> {
          ChildSpec supChild1 =
              ChildSpec.supervisor(
                  "supchild1",
                  args ->
                      Supervisor.startLink(
                          flags(RestartStrategy.ONE_FOR_ONE, 4, child("child1"), child("child2"))));
          ChildSpec supChild2 =
              ChildSpec.supervisor(
                  "supchild2", args -> Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ONE, 4)));
          Pid top = Supervisor.startLink(flags(RestartStrategy.ONE_FOR_ALL, 4));
          Pid sup1 = Supervisor.startChild(top, supChild1);
          Pid sup2 = Supervisor.startChild(top, supChild2);
          assertThat(Supervisor.countChildren(top)).isEqualTo(counts(2, 2, 2, 0));
          assertThat(Supervisor.countChildren(sup1)).isEqualTo(counts(2, 2, 0, 2));
          assertThat(Supervisor.countChildren(sup2)).isEqualTo(counts(0, 0, 0, 0));

          Pid c3 =
              Supervisor.startChild(sup2, child("child3", errorOnRestart(), Restart.PERMANENT));
          Pid c4 = Supervisor.startChild(sup2, child("child4"));
          assertThat(Supervisor.countChildren(sup2)).isEqualTo(counts(2, 2, 0, 2));

          // only the process that dies is restarted
          List<Pid> sup1Children =
              Supervisor.whichChildren(sup1).stream().map(ChildInfo::pid).toList();
          terminate(sup2, c4, ExitReason.of("abnormal"));
          await().atMost(WAIT).until(() -> Supervisor.countChildren(sup2).active() == 2);
          assertThat(Supervisor.whichChildren(sup1))
              .extracting(ChildInfo::pid)
              .isEqualTo(sup1Children);
          assertThat(Supervisor.whichChild(sup2, "child4").orElseThrow().pid()).isNotEqualTo(c4);

          // child3 cannot restart: sup2 gives up, and the top restarts its tree, without the
          // children that were added to sup2 at run time
          Process.link(sup2);
          Process.exit(c3, ExitReason.of("abnormal"));
          assertThat(awaitExit(sup2)).isEqualTo(ExitReason.shutdown());
          await().atMost(WAIT).until(() -> Supervisor.countChildren(top).active() == 2);
          Pid newSup1 = Supervisor.whichChild(top, "supchild1").orElseThrow().pid();
          Pid newSup2 = Supervisor.whichChild(top, "supchild2").orElseThrow().pid();
          assertThat(newSup1).isNotEqualTo(sup1);
          assertThat(Supervisor.countChildren(newSup1)).isEqualTo(counts(2, 2, 0, 2));
          assertThat(Supervisor.whichChildren(newSup2)).isEmpty();
          stop(top);
        });
  }

  @Test // do_not_save_start_parameters_for_temporary_children
  void doNotSaveStartParametersForTemporaryChildren() throws Exception {
    trapping(
        () -> {
          for (Restart restart : Restart.values()) {
            Pid sup =
                Supervisor.startLink(
                    flags(RestartStrategy.SIMPLE_ONE_FOR_ONE, 2, child("child", START, restart)));
            Object large = new byte[1 << 20];
            java.lang.ref.WeakReference<Object> weak = new java.lang.ref.WeakReference<>(large);
            Supervisor.startChild(sup, new java.util.ArrayList<>(List.of(large)));
            large = null;
            boolean collected = false;
            for (int i = 0; i < 20 && !collected; i++) {
              System.gc();
              Thread.sleep(10);
              collected = weak.get() == null;
            }
            assertThat(collected)
                .as("the start arguments of a %s child are %s", restart, "kept only to restart it")
                .isEqualTo(restart == Restart.TEMPORARY);
            stop(sup);
          }
        });
  }

  @Test // simple_one_for_one_scale_many_temporary_children, without its timing (see the benchmark)
  void simpleOneForOneManyTemporaryChildren() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid sup =
              Supervisor.startLink(
                  flags(
                      RestartStrategy.SIMPLE_ONE_FOR_ONE,
                      2,
                      child("child", START, Restart.TEMPORARY)));
          for (int n : new int[] {1_000, 10_000}) {
            List<Pid> children = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              children.add(Supervisor.startChild(sup, List.of()));
            }
            assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, n, 0, n));
            // the middle one first, then the rest in start order: the index follows each
            Pid middle = children.remove(n / 2);
            Supervisor.terminateChild(sup, middle);
            assertThat(Process.isAlive(middle)).isFalse();
            for (Pid child : children) {
              Supervisor.terminateChild(sup, child);
            }
            assertThat(children).noneMatch(Process::isAlive);
            assertThat(Supervisor.whichChildren(sup)).isEmpty();
            assertThat(Supervisor.countChildren(sup)).isEqualTo(counts(1, 0, 0, 0));
          }
          assertThat(stop(sup)).isEqualTo(ExitReason.shutdown());
        });
  }
}
