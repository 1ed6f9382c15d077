package dev.molt.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Down;
import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.InProcess;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import dev.molt.behaviour.CallException;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.IdleTimeout;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.Next;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import dev.molt.behaviour.StartException;
import dev.molt.behaviour.Stop;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.server.GenServerLoop;
import dev.molt.sys.Sys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OTP's {@code lib/stdlib/test/gen_server_SUITE.erl}, the cases of one node, against {@link
 * GenServer}. Each test names the OTP case it ports; the server below plays the suite's own
 * callback module.
 */
class OtpGenServerSuiteTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Sent to the test by the server, as the suite's {@code {Pid, Event}} messages. */
  record Event(Pid from, Object what) {}

  /**
   * The suite's callback module: {@code init} by its argument ({@code "ignore"}, {@code "stop"},
   * {@code "sleep"}, a {@link Next} to return with the state, ...), and calls, casts and infos by
   * their request.
   */
  static class Suite implements GenServer<Object> {
    @Override
    public Init<Object> init(Object arg) throws Exception {
      return switch (arg) {
        case String s when s.equals("ignore") -> Init.ignore();
        case String s when s.equals("stop") -> Init.fail(ExitReason.of("stopped"));
        case String s when s.equals("hang") -> {
          new java.util.concurrent.CountDownLatch(1).await(); // until the start gives up on it
          yield Init.ok("never");
        }
        case StartWith(Object state, Next next) -> Init.ok(state, next);
        default -> Init.ok(arg);
      };
    }

    @Override
    public CallResult<Object> handleCall(Object request, From from, Object state) {
      return switch (request) {
        case String s when s.equals("started_p") -> new Reply<>("ok", state);
        case String s when s.equals("stop") ->
            Stop.withReply(ExitReason.of("stopped"), "ok", state);
        case String s when s.equals("shutdown_reason") ->
            throw new dev.molt.ProcessExit(ExitReason.shutdown("reason"));
        case String s when s.equals("stop_shutdown_reason") ->
            new Stop<>(ExitReason.shutdown("stop_reason"), state);
        case String s when s.equals("crash") -> throw new IllegalStateException("crashed");
        case String s when s.equals("delayed") -> {
          Process.spawn(() -> GenServer.reply(from, "delayed")); // answered by another process
          yield new NoReply<>(state);
        }
        case String s when s.equals("get_state") -> new Reply<>(state, state);
        case Continued(Object arg) -> new Reply<>("ok", state).then(Next.continueWith(arg));
        case Hibernating h -> new Reply<>("hibernating", state).then(Next.hibernate());
        case TimeoutAfter(Duration after) -> new Reply<>("ok", state).then(Next.timeout(after));
        case String s when s.equals("ping") -> new Reply<>("pong", state);
        default -> new Reply<>(List.of("unknown", request), state);
      };
    }

    @Override
    public CastResult<Object> handleCast(Object request, Object state) {
      return switch (request) {
        case Tell(Pid to, Object what) -> {
          Process.send(to, new Event(Process.self(), what));
          yield new NoReply<>(state);
        }
        case String s when s.equals("stop") -> new Stop<>(ExitReason.of("stopped"), state);
        case Continued(Object arg) -> new NoReply<>(state).then(Next.continueWith(arg));
        case TimeoutAfter(Duration after) -> new NoReply<>(state).then(Next.timeout(after));
        default -> new NoReply<>(state);
      };
    }

    @Override
    public CastResult<Object> handleInfo(Object message, Object state) {
      return switch (message) {
        case Tell(Pid to, Object what) -> {
          Process.send(to, new Event(Process.self(), what));
          yield new NoReply<>(state);
        }
        case IdleTimeout t when state instanceof Pid tester -> {
          Process.send(tester, new Event(Process.self(), "event_timeout"));
          yield new NoReply<>(state);
        }
        default -> new NoReply<>(state);
      };
    }

    @Override
    public CastResult<Object> handleContinue(Object arg, Object state) {
      return switch (arg) {
        case Tell(Pid to, Object what) -> {
          Process.send(to, new Event(Process.self(), what));
          yield new NoReply<>(state);
        }
        case Then(Object first, Next then) -> {
          handleContinue(first, state);
          yield new NoReply<>(state).then(then);
        }
        default -> new NoReply<>(state);
      };
    }
  }

  /**
   * A server with state {@code "s"} that answers every call with its state and ignores casts; cases
   * override the one callback they are about.
   */
  static class Plain implements GenServer<String> {
    @Override
    public Init<String> init(Object arg) {
      return Init.ok("s");
    }

    @Override
    public CallResult<String> handleCall(Object request, From from, String state) {
      return new Reply<>(state, state);
    }

    @Override
    public CastResult<String> handleCast(Object request, String state) {
      return new NoReply<>(state);
    }
  }

  record StartWith(Object state, Next next) {}

  record Tell(Pid to, Object what) {}

  record Continued(Object arg) {}

  record Then(Object first, Next then) {}

  record Hibernating() {}

  record TimeoutAfter(Duration after) {}

  private static Event event(Pid from, Object what) {
    return Process.receive(Event.class, e -> e.from().equals(from) && e.what().equals(what), WAIT)
        .orElseThrow(() -> new AssertionError("no " + what + " from " + from));
  }

  private static void expectNoMessage() {
    assertThat(Process.receive(Duration.ofMillis(50))).isEmpty();
  }

  // ---- start ------------------------------------------------------------------------------

  @Test // start
  void start() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          // anonymous
          Pid pid0 = GenServer.start(new Suite(), "x");
          assertThat(GenServer.call(pid0, "started_p")).isEqualTo("ok");
          assertThat(GenServer.call(pid0, "stop")).isEqualTo("ok");
          assertThatThrownBy(() -> GenServer.call(pid0, "started_p", Duration.ofMillis(1)))
              .isInstanceOf(CallException.class);

          // with an init timeout
          assertThatThrownBy(
                  () -> GenServer.startLink(null, new Suite(), "hang", Duration.ofMillis(100)))
              .isInstanceOf(StartException.class)
              .extracting(e -> ((StartException) e).reason())
              .isEqualTo(ExitReason.of("timeout"));

          // ignore, stop
          assertThat(GenServer.start(new Suite(), "ignore")).isNull();
          assertThatThrownBy(() -> GenServer.start(new Suite(), "stop"))
              .isInstanceOf(StartException.class)
              .extracting(e -> ((StartException) e).reason())
              .isEqualTo(ExitReason.of("stopped"));

          // linked
          Pid pid1 = GenServer.startLink(new Suite(), "x");
          assertThat(GenServer.call(pid1, "stop")).isEqualTo("ok");
          assertThat(Process.receive(Exit.class, e -> e.from().equals(pid1), WAIT))
              .get()
              .extracting(Exit::reason)
              .isEqualTo(ExitReason.of("stopped"));

          // local register, and the name already taken names its holder
          Pid pid2 = GenServer.start("my_test_name", new Suite(), "x");
          assertThat(GenServer.call("my_test_name", "started_p")).isEqualTo("ok");
          assertThatThrownBy(() -> GenServer.start("my_test_name", new Suite(), "x"))
              .isInstanceOf(StartException.class)
              .satisfies(
                  e -> {
                    StartException s = (StartException) e;
                    assertThat(s.alreadyStarted()).contains(pid2);
                    assertThat(s.reason())
                        .isEqualTo(ExitReason.of(List.of("already_started", pid2)));
                  });
          assertThat(GenServer.call("my_test_name", "stop")).isEqualTo("ok");
          assertThatThrownBy(() -> GenServer.call(pid2, "started_p", Duration.ofMillis(10)))
              .isInstanceOf(CallException.class);
        });
  }

  @Test // (issue 15) a server whose init says ignore frees its name before its starter hears it
  void anIgnoredStartHasFreedItsNameWhenStartReturns() throws Exception {
    InProcess.run(
        () -> {
          for (int i = 0; i < 1000; i++) {
            assertThat(GenServer.start("ignored_name", new Suite(), "ignore")).isNull();
            assertThat(Process.whereis("ignored_name")).as("start %d", i).isEmpty();
          }
        });
  }

  // ---- start_event_timeout, start_event_timeout_zero ------------------------------------

  @Test // start_event_timeout: init's timeout, continue then timeout, hibernate; interrupted or not
  void startEventTimeout() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid self = Process.self();
          Duration d = Duration.ofMillis(300);
          List<Next> nexts =
              List.of(
                  Next.timeout(d),
                  Next.continueWith(new Then("continued", Next.timeout(d))),
                  Next.hibernate());
          for (Next next : nexts) {
            for (boolean interrupt : new boolean[] {false, true}) {
              Pid pid = GenServer.startLink(new Suite(), new StartWith(self, next));
              if (interrupt) {
                assertThat(GenServer.call(pid, "ping")).isEqualTo("pong");
              }
              boolean timedOut =
                  Process.receive(
                          Event.class,
                          e -> e.from().equals(pid) && e.what().equals("event_timeout"),
                          Duration.ofMillis(800))
                      .isPresent();
              boolean expected = next instanceof Next.Hibernate ? false : !interrupt;
              assertThat(timedOut).as("%s, interrupted: %s", next, interrupt).isEqualTo(expected);
              assertThat(GenServer.call(pid, "stop")).isEqualTo("ok");
              Process.receive(Exit.class, e -> e.from().equals(pid), WAIT).orElseThrow();
            }
          }
        });
  }

  @Test // start_event_timeout_zero: a zero timeout fires before any later message
  void startEventTimeoutZero() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid = GenServer.start(new Suite(), new StartWith(self, Next.timeout(Duration.ZERO)));
          event(pid, "event_timeout");
          GenServer.stop(pid);
        });
  }

  // ---- stop -------------------------------------------------------------------------------

  @Test // stop1: anonymous, reason normal
  void stop1() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start(new Suite(), "x");
          GenServer.stop(pid);
          assertThat(Process.isAlive(pid)).isFalse();
          assertThatThrownBy(() -> GenServer.stop(pid))
              .isInstanceOf(CallException.class)
              .extracting(e -> ((CallException) e).kind())
              .isEqualTo(CallException.Kind.NOPROC);
        });
  }

  @Test // stop2: anonymous, other reason
  void stop2() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start(new Suite(), "x");
          Ref ref = Process.monitor(pid);
          GenServer.stop(pid, ExitReason.of("other_reason"), dev.molt.Process.INFINITY);
          assertThat(Process.isAlive(pid)).isFalse();
          assertThat(Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow().reason())
              .isEqualTo(ExitReason.of("other_reason"));
        });
  }

  @Test // stop4: registered name
  void stop4() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start("to_stop", new Suite(), "x");
          GenServer.stop("to_stop");
          assertThat(Process.isAlive(pid)).isFalse();
          assertThatThrownBy(() -> GenServer.stop("to_stop"))
              .isInstanceOf(CallException.class)
              .extracting(e -> ((CallException) e).kind())
              .isEqualTo(CallException.Kind.NOPROC);
          // with a reason and a timeout
          Pid again = GenServer.start("to_stop", new Suite(), "x");
          Ref ref = Process.monitor(again);
          GenServer.stop("to_stop", ExitReason.shutdown(), Duration.ofSeconds(5));
          assertThat(Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow().reason())
              .isEqualTo(ExitReason.shutdown());
        });
  }

  // ---- crash ------------------------------------------------------------------------------

  @Test // crash: shutdown reasons reach the caller and the links
  void crash() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid pid0 = GenServer.startLink(new Suite(), "x");
          assertThatThrownBy(() -> GenServer.call(pid0, "shutdown_reason"))
              .isInstanceOf(CallException.class)
              .extracting(e -> ((CallException) e).exitReason())
              .isEqualTo(ExitReason.shutdown("reason"));
          assertThat(
                  Process.receive(Exit.class, e -> e.from().equals(pid0), WAIT)
                      .orElseThrow()
                      .reason())
              .isEqualTo(ExitReason.shutdown("reason"));

          Pid pid1 = GenServer.startLink(new Suite(), "x");
          assertThatThrownBy(() -> GenServer.call(pid1, "stop_shutdown_reason"))
              .isInstanceOf(CallException.class)
              .extracting(e -> ((CallException) e).exitReason())
              .isEqualTo(ExitReason.shutdown("stop_reason"));
          assertThat(
                  Process.receive(Exit.class, e -> e.from().equals(pid1), WAIT)
                      .orElseThrow()
                      .reason())
              .isEqualTo(ExitReason.shutdown("stop_reason"));

          Pid pid4 = GenServer.start(new Suite(), "x");
          assertThatThrownBy(() -> GenServer.call(pid4, "crash"))
              .isInstanceOf(CallException.class)
              .hasMessageContaining("crashed");
        });
  }

  // ---- call, cast, info, continue --------------------------------------------------------

  @Test // call
  void call() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid pid = GenServer.startLink("my_test_name", new Suite(), "x");
          assertThat(GenServer.call(pid, "started_p")).isEqualTo("ok");
          assertThat(GenServer.call("my_test_name", "started_p")).isEqualTo("ok");
          assertThat(GenServer.call(pid, "delayed"))
              .as("a reply by GenServer.reply")
              .isEqualTo("delayed");
          assertThatThrownBy(() -> GenServer.call("no_such_name", "started_p"))
              .isInstanceOf(CallException.class)
              .extracting(e -> ((CallException) e).kind())
              .isEqualTo(CallException.Kind.NOPROC);
          assertThat(GenServer.call(pid, "stop")).isEqualTo("ok");
        });
  }

  @Test // calling_self
  void callingSelf() throws Exception {
    InProcess.run(
        () ->
            assertThatThrownBy(() -> GenServer.call(Process.self(), "oui"))
                .isInstanceOf(CallException.class)
                .extracting(e -> ((CallException) e).kind())
                .isEqualTo(CallException.Kind.CALLING_SELF));
  }

  @Test // cast
  void cast() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid = GenServer.start("my_test_name", new Suite(), "x");
          GenServer.cast(pid, new Tell(self, "handled_cast"));
          event(pid, "handled_cast");
          GenServer.cast("my_test_name", new Tell(self, "handled_cast"));
          event(pid, "handled_cast");
          GenServer.cast("no_such_name", new Tell(self, "handled_cast"));
          Ref ref = Process.monitor(pid);
          GenServer.cast(pid, "stop");
          assertThat(Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow().reason())
              .isEqualTo(ExitReason.of("stopped"));
        });
  }

  @Test // cast_fast: many casts in a row are all handled, in order
  void castFast() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid = GenServer.start(new Suite(), "x");
          for (int i = 0; i < 10_000; i++) {
            GenServer.cast(pid, new Tell(self, i));
          }
          for (int i = 0; i < 10_000; i++) {
            Event e = Process.receive(Event.class, x -> true, WAIT).orElseThrow();
            assertThat(e.what()).isEqualTo(i);
          }
          GenServer.stop(pid);
        });
  }

  @Test // info
  void info() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid = GenServer.start("my_test_name", new Suite(), "x");
          Process.send(pid, new Tell(self, "handled_info"));
          event(pid, "handled_info");
          Process.send("my_test_name", new Tell(self, "handled_info"));
          event(pid, "handled_info");
          GenServer.stop(pid);
        });
  }

  @Test // continue: init, handleCall, handleCast and handleContinue itself can continue
  void continueCase() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid =
              GenServer.start(
                  new Suite(), new StartWith("x", Next.continueWith(new Tell(self, "after_init"))));
          event(pid, "after_init");

          assertThat(GenServer.call(pid, new Continued(new Tell(self, "after_call"))))
              .isEqualTo("ok");
          event(pid, "after_call");

          GenServer.cast(pid, new Continued(new Tell(self, "after_cast")));
          event(pid, "after_cast");

          GenServer.cast(
              pid,
              new Continued(
                  new Then(new Tell(self, "first"), Next.continueWith(new Tell(self, "second")))));
          event(pid, "first");
          event(pid, "second");

          // a continue runs before the message already waiting behind the cast that asked for it
          GenServer.cast(pid, new Continued(new Tell(self, "continued")));
          Process.send(pid, new Tell(self, "info"));
          List<Object> order = new ArrayList<>();
          for (int i = 0; i < 2; i++) {
            order.add(
                Process.receive(Event.class, e -> e.from().equals(pid), WAIT).orElseThrow().what());
          }
          assertThat(order).containsExactly("continued", "info");
          GenServer.stop(pid);
        });
  }

  @Test // continue: a server asked to continue that has no handleContinue fails, with the reason
  void continueWithoutHandleContinueFails() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          GenServer<String> plain =
              new Plain() {
                @Override
                public Init<String> init(Object arg) {
                  return Init.ok("s", Next.continueWith("go"));
                }
              };
          Pid pid = GenServer.startLink(plain, null);
          ExitReason reason =
              Process.receive(Exit.class, e -> e.from().equals(pid), WAIT).orElseThrow().reason();
          assertThat(reason.toString()).contains("does not override handleContinue");
        });
  }

  @Test // hibernate: a hibernating server answers its next call, and a timeout after it still works
  void hibernate() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid = GenServer.start(new Suite(), new StartWith(self, Next.hibernate()));
          assertThat(GenServer.call(pid, "started_p")).isEqualTo("ok");
          assertThat(GenServer.call(pid, new Hibernating())).isEqualTo("hibernating");
          assertThat(GenServer.call(pid, "started_p")).isEqualTo("ok");
          assertThat(Sys.getState(pid)).isEqualTo(self);
          GenServer.stop(pid);
        });
  }

  @Test // (timeout and sys) a system request does not cancel a pending timeout
  void aSystemRequestDoesNotCancelTheTimeout() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid =
              GenServer.start(
                  new Suite(), new StartWith(self, Next.timeout(Duration.ofMillis(300))));
          assertThat(Sys.getState(pid)).isEqualTo(self);
          event(pid, "event_timeout");
          GenServer.stop(pid);
        });
  }

  // ---- enter_loop (spec_init) -----------------------------------------------------------

  @Test // spec_init_local_registered_parent / enter_loop: a process becomes a server
  void enterLoop() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid =
              Process.spawn(
                  () -> {
                    Process.register("entered", Process.self());
                    GenServer.enterLoop(new Suite(), "entered state", null);
                  });
          Ref ref = Process.monitor(pid);
          org.awaitility.Awaitility.await()
              .atMost(WAIT)
              .until(() -> Process.whereis("entered").isPresent());
          assertThat(GenServer.call("entered", "get_state")).isEqualTo("entered state");
          GenServer.cast(pid, new Tell(self, "handled_cast"));
          event(pid, "handled_cast");
          assertThat(GenServer.call(pid, "stop")).isEqualTo("ok");
          assertThat(Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow().reason())
              .isEqualTo(ExitReason.of("stopped"));
        });
  }

  @Test // get_state, replace_state (sys)
  void getState() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start(new Suite(), "state0");
          assertThat(Sys.getState(pid)).isEqualTo("state0");
          GenServer.stop(pid);
        });
  }

  @Test // call_with_huge_message_queue: a call is answered fast behind 100,000 waiting messages
  void callWithHugeMessageQueue() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start(new Suite(), "x");
          Sys.suspend(pid);
          for (int i = 0; i < 100_000; i++) {
            Process.send(pid, "junk");
          }
          Sys.resume(pid);
          assertThat(GenServer.call(pid, "started_p", Duration.ofSeconds(30))).isEqualTo("ok");
          GenServer.stop(pid);
          expectNoMessage();
        });
  }

  @Test // stop: a terminate that crashes fails the stop with the crash, as gen_server:stop does
  void stopFailsWithTheReasonOfACrashingTerminate() throws Exception {
    InProcess.run(
        () -> {
          GenServer<String> crashesOnStop =
              new Plain() {
                @Override
                public void terminate(ExitReason reason, String state) {
                  throw new IllegalStateException("terminate boom");
                }
              };
          Pid pid = GenServer.start(crashesOnStop, null);
          assertThatThrownBy(() -> GenServer.stop(pid))
              .isInstanceOfSatisfying(
                  CallException.class,
                  e -> {
                    assertThat(e.kind()).isEqualTo(CallException.Kind.EXITED);
                    assertThat(e.exitReason().cause()).hasMessage("terminate boom");
                  });
        });
  }

  @Test // a supervisor request to a server that is not a supervisor says so
  void aSupervisorRequestToAnotherServerSaysItIsNotASupervisor() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start(new Suite(), "x");
          assertThatThrownBy(() -> dev.molt.behaviour.Supervisor.whichChildren(pid))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("is not a supervisor");
          GenServer.stop(pid);
        });
  }

  @Test // handle_event_timeout: a timeout set by handleCall, cancelled by a message or not
  void handleEventTimeout() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid = GenServer.start(new Suite(), self);
          assertThat(GenServer.call(pid, new TimeoutAfter(Duration.ofMillis(100)))).isEqualTo("ok");
          event(pid, "event_timeout");
          assertThat(GenServer.call(pid, new TimeoutAfter(Duration.ofMillis(300)))).isEqualTo("ok");
          assertThat(GenServer.call(pid, "ping")).as("a message cancels it").isEqualTo("pong");
          assertThat(
                  Process.receive(
                      Event.class, e -> e.what().equals("event_timeout"), Duration.ofMillis(600)))
              .isEmpty();
          GenServer.stop(pid);
        });
  }

  @Test // loop_start_fail: starts that fail, ignore or return a bad value, in a loop, leave nothing
  void loopStartFail() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          int before = Process.processes().size();
          for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> GenServer.startLink(new Suite(), "stop"))
                .isInstanceOf(StartException.class);
            assertThat(GenServer.startLink(new Suite(), "ignore")).isNull();
            assertThatThrownBy(() -> GenServer.start(new BadInit(), null))
                .isInstanceOf(StartException.class)
                .hasMessageContaining("returned null");
          }
          org.awaitility.Awaitility.await()
              .atMost(WAIT)
              .until(() -> Process.processes().size() <= before);
        });
  }

  /** An init that returns a bad value, as OTP's {@code {return, 4711}}. */
  static final class BadInit extends Plain {
    @Override
    public Init<String> init(Object arg) {
      return null;
    }
  }

  @Test // replace_state
  void replaceState() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start(new Suite(), "state0");
          assertThat(Sys.replaceState(pid, old -> old + "+1")).isEqualTo("state0+1");
          assertThat(GenServer.call(pid, "get_state")).isEqualTo("state0+1");
          GenServer.stop(pid);
        });
  }

  @Test // undef_handle_info: a server without handleInfo logs an info and goes on
  void undefHandleInfo() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start(new Plain(), null);
          Process.send(pid, "an info nobody handles");
          assertThat(GenServer.call(pid, "x")).isEqualTo("s");
          GenServer.stop(pid);
        });
  }

  @Test // handle_event_timeout_zero: a zero timeout set by handleCall fires at once
  void handleEventTimeoutZero() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid = GenServer.start(new Suite(), self);
          assertThat(GenServer.call(pid, new TimeoutAfter(Duration.ZERO))).isEqualTo("ok");
          event(pid, "event_timeout");
          GenServer.stop(pid);
        });
  }

  @Test // undef_in_handle_info: an undefined function called from handleInfo crashes the server
  void undefInHandleInfo() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid pid =
              GenServer.startLink(
                  new Plain() {
                    @Override
                    public CastResult<String> handleInfo(Object message, String state) {
                      throw new NoSuchMethodError("undefined_function");
                    }
                  },
                  null);
          Process.send(pid, "call it");
          ExitReason reason =
              Process.receive(Exit.class, e -> e.from().equals(pid), WAIT).orElseThrow().reason();
          assertThat(reason.cause()).isInstanceOf(NoSuchMethodError.class);
        });
  }

  @Test // undef_in_terminate: an undefined function called from terminate is the exit reason
  void undefInTerminate() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid pid =
              GenServer.startLink(
                  new Plain() {
                    @Override
                    public void terminate(ExitReason reason, String state) {
                      throw new NoSuchMethodError("undefined_function");
                    }
                  },
                  null);
          assertThatThrownBy(() -> GenServer.stop(pid))
              .isInstanceOfSatisfying(
                  CallException.class,
                  e -> assertThat(e.exitReason().cause()).isInstanceOf(NoSuchMethodError.class));
          ExitReason reason =
              Process.receive(Exit.class, e -> e.from().equals(pid), WAIT).orElseThrow().reason();
          assertThat(reason.cause()).isInstanceOf(NoSuchMethodError.class);
        });
  }

  @Test // bad input to the actions: refused where it is built, with the reason
  void badActionsAreRefusedWhereTheyAreBuilt() {
    assertThatThrownBy(() -> Next.timeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 or more");
    assertThatThrownBy(() -> Next.timeout(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Reply<>("r", "s").then(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("next");
    assertThatThrownBy(() -> new NoReply<>("s").then(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("next");
  }

  // ---- hibernate_after, handle_event_timeout_plain, spec_init, otp_7669 -------------------

  /** The suite's server started with OTP's {@code {hibernate_after, After}}. */
  static final class HibernatesAfter extends Suite {
    private final Duration after;

    HibernatesAfter(Duration after) {
      this.after = after;
    }

    @Override
    public Duration hibernateAfter() {
      return after;
    }
  }

  private static GenServerLoop<?> loopOf(Pid pid) {
    return (GenServerLoop<?>) ProcessCell.of(pid).server;
  }

  /** Waits until the server has gone into hibernation {@code times} times in all. */
  private static void awaitHibernations(Pid pid, int times) {
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(() -> loopOf(pid).hibernations() == times && loopOf(pid).hibernating());
  }

  @Test // auto_hibernate: a server idle for its hibernateAfter hibernates; each message wakes it
  void autoHibernate() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid self = Process.self();
          Pid pid =
              GenServer.startLink(
                  "my_test_name_auto_hibernate", new HibernatesAfter(Duration.ofMillis(100)), self);
          // after init
          awaitHibernations(pid, 1);
          // a system request leaves it hibernating
          assertThat(Sys.getState(pid)).isEqualTo(self);
          assertThat(loopOf(pid).hibernating()).isTrue();
          assertThat(loopOf(pid).hibernations()).isEqualTo(1);
          // a call wakes it, and it hibernates again once idle
          assertThat(GenServer.call("my_test_name_auto_hibernate", "started_p")).isEqualTo("ok");
          awaitHibernations(pid, 2);
          // a cast
          GenServer.cast("my_test_name_auto_hibernate", new Tell(self, "handled_cast"));
          event(pid, "handled_cast");
          awaitHibernations(pid, 3);
          // an info
          Process.send(pid, new Tell(self, "handled_info"));
          event(pid, "handled_info");
          awaitHibernations(pid, 4);

          assertThat(GenServer.call("my_test_name_auto_hibernate", "stop")).isEqualTo("ok");
          assertThat(Process.receive(Exit.class, e -> e.from().equals(pid), WAIT))
              .get()
              .extracting(Exit::reason)
              .isEqualTo(ExitReason.of("stopped"));
        });
  }

  @Test // auto_hibernate (busy): a server that gets messages more often than that never hibernates
  void aBusyServerDoesNotHibernate() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start(new HibernatesAfter(Duration.ofSeconds(30)), "x");
          for (int i = 0; i < 1000; i++) {
            assertThat(GenServer.call(pid, "started_p")).isEqualTo("ok");
          }
          assertThat(loopOf(pid).hibernations()).isZero();
          GenServer.stop(pid);
        });
  }

  @Test // hibernate: a hibernating server stays so through sys:suspend and sys:resume
  void hibernationSurvivesSuspendAndResume() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid = GenServer.start(new Suite(), self);
          assertThat(GenServer.call(pid, new Hibernating())).isEqualTo("hibernating");
          awaitHibernations(pid, 1);
          Sys.suspend(pid);
          assertThat(loopOf(pid).hibernating()).isTrue();
          Sys.resume(pid);
          assertThat(loopOf(pid).hibernating()).isTrue();
          assertThat(GenServer.call(pid, "started_p")).isEqualTo("ok");
          assertThat(loopOf(pid).hibernating()).isFalse();
          assertThat(loopOf(pid).hibernations()).isEqualTo(1);
          GenServer.stop(pid);
        });
  }

  @Test // hibernate_after: a negative value is logged and means never; the server runs on
  void aNegativeHibernateAfterMeansNever() throws Exception {
    InProcess.run(
        () -> {
          Pid pid = GenServer.start(new HibernatesAfter(Duration.ofMillis(-1)), "x");
          Pid witness = GenServer.start(new HibernatesAfter(Duration.ofMillis(1)), "x");
          assertThat(GenServer.call(pid, "started_p")).isEqualTo("ok");
          assertThat(GenServer.call(witness, "started_p")).isEqualTo("ok");
          // the witness, idle since the same moment, has hibernated: the other would have too
          org.awaitility.Awaitility.await().atMost(WAIT).until(() -> loopOf(witness).hibernating());
          assertThat(loopOf(pid).hibernations()).isZero();
          GenServer.stop(pid);
          GenServer.stop(witness);
        });
  }

  @Test // handle_event_timeout_plain: a system request does not cancel a timeout; a request does
  void handleEventTimeoutPlain() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid pid = GenServer.start(new Suite(), self);
          assertThat(GenServer.call(pid, "ping")).isEqualTo("pong");

          GenServer.cast(pid, new TimeoutAfter(Duration.ofMillis(500)));
          Sys.getStatus(pid);
          event(pid, "event_timeout");

          GenServer.cast(pid, new TimeoutAfter(Duration.ofMillis(500)));
          assertThat(GenServer.call(pid, "ping")).isEqualTo("pong");
          assertThat(
                  Process.receive(
                      Event.class, e -> e.what().equals("event_timeout"), Duration.ofMillis(1000)))
              .isEmpty();

          assertThat(GenServer.call(pid, "stop")).isEqualTo("ok");
          assertThatThrownBy(() -> GenServer.call(pid, "started_p", Duration.ofMillis(1)))
              .isInstanceOf(CallException.class);
        });
  }

  @Test // spec_init: enter_loop, anonymous or registered, with a timeout or none
  void specInit() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid self = Process.self();
          // spec_init_local: registered by the process itself
          Pid pid0 =
              Process.spawnLink(
                  () -> {
                    Process.register("my_server", Process.self());
                    GenServer.enterLoop(new Suite(), self, null);
                  });
          org.awaitility.Awaitility.await()
              .atMost(WAIT)
              .until(() -> Process.whereis("my_server").isPresent());
          assertThat(GenServer.call(pid0, "started_p")).isEqualTo("ok");
          assertThat(GenServer.call(pid0, "stop")).isEqualTo("ok");
          assertThat(Process.receive(Exit.class, e -> e.from().equals(pid0), WAIT))
              .get()
              .extracting(Exit::reason)
              .isEqualTo(ExitReason.of("stopped"));
          assertThat(Process.whereis("my_server")).isEmpty();

          // spec_init_anonymous
          Pid pid2 = Process.spawnLink(() -> GenServer.enterLoop(new Suite(), self, null));
          assertThat(GenServer.call(pid2, "started_p")).isEqualTo("ok");
          assertThat(GenServer.call(pid2, "stop")).isEqualTo("ok");
          assertThat(Process.receive(Exit.class, e -> e.from().equals(pid2), WAIT))
              .get()
              .extracting(Exit::reason)
              .isEqualTo(ExitReason.of("stopped"));

          // spec_init_anonymous_default_timeout: entered with a timeout, which fires
          Pid pid3 =
              Process.spawnLink(
                  () ->
                      GenServer.enterLoop(new Suite(), self, Next.timeout(Duration.ofMillis(100))));
          event(pid3, "event_timeout");
          assertThat(GenServer.call(pid3, "started_p")).isEqualTo("ok");
          assertThat(GenServer.call(pid3, "stop")).isEqualTo("ok");
          assertThat(Process.receive(Exit.class, e -> e.from().equals(pid3), WAIT))
              .get()
              .extracting(Exit::reason)
              .isEqualTo(ExitReason.of("stopped"));
        });
    // spec_init_not_proc_lib: Molt's counterpart is a thread that is no process at all
    assertThatThrownBy(() -> GenServer.enterLoop(new Suite(), "x", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inside a Molt process");
  }

  @Test // otp_7669: after a start that says ignore or fails, the name is never registered
  void otp7669() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          for (int i = 0; i < 100; i++) {
            assertThat(GenServer.start("otp_7669", new Suite(), "ignore")).isNull();
            assertThat(Process.whereis("otp_7669")).isEmpty();
            assertThat(GenServer.start("otp_7669", new Suite(), "ignore")).isNull();
            assertThat(Process.whereis("otp_7669")).isEmpty();
            assertThat(GenServer.startLink("otp_7669", new Suite(), "ignore")).isNull();
            assertThat(Process.whereis("otp_7669")).isEmpty();
          }
          for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> GenServer.start("otp_7669", new Suite(), "stop"))
                .isInstanceOf(StartException.class);
            assertThat(Process.whereis("otp_7669")).isEmpty();
            assertThatThrownBy(() -> GenServer.startLink("otp_7669", new Suite(), "stop"))
                .isInstanceOf(StartException.class);
            assertThat(Process.whereis("otp_7669")).isEmpty();
          }
        });
  }
}
