package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.code.Migration;
import dev.molt.code.MigrationException;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.Registry;
import dev.molt.internal.process.Timeouts;
import dev.molt.internal.server.Call;
import dev.molt.internal.server.GenServerCalls;
import dev.molt.internal.server.GenServerLoop;
import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;
import org.slf4j.LoggerFactory;

/**
 * The generic server behaviour: a client/server loop around a state value.
 *
 * <pre>
 * client                      GenServer (generic loop)         callbacks (your class)
 * ------                      ------------------------         ----------------------
 * GenServer.start/startLink  -> spawns, registers the name    -> init(arg)
 * GenServer.call             -> monitors, sends, waits        -> handleCall(request, from, state)
 * GenServer.cast             -> sends, returns at once        -> handleCast(request, state)
 * Process.send               -> any other message             -> handleInfo(message, state)
 * GenServer.stop, parent exit-> ends the loop                 -> terminate(reason, state)
 * code change (Sys)          -> migrates the state            -> codeChange(oldVsn, oldState, extra)
 * </pre>
 *
 * <p>Only {@code init}, {@code handleCall} and {@code handleCast} are required. <b>State is an
 * explicit value, passed in and returned</b>: a callback object keeps nothing in its fields, which
 * is what makes swapping its code between two messages safe.
 *
 * <p>Every callback runs through one guard: an exception crashes the server with {@code
 * crash(exception)}; {@code terminate} is still called with that reason, and every caller waiting
 * for a reply gets a {@link CallException} of kind {@code EXITED} carrying it.
 *
 * @param <S> the state
 */
@API(status = STABLE, since = "0.1")
public interface GenServer<S> {

  /** Builds the first state from {@code arg}. Runs in the new process, before start returns. */
  Init<S> init(Object arg) throws Exception;

  /**
   * Answers a {@link #call}. Return {@link Reply}, {@link NoReply} (reply later via {@code from})
   * or {@link Stop}.
   */
  CallResult<S> handleCall(Object request, From from, S state) throws Exception;

  /** Handles a {@link #cast}. */
  CastResult<S> handleCast(Object request, S state) throws Exception;

  /**
   * How long the server may wait for a message before it hibernates on its own, as OTP's {@code
   * hibernate_after} start option: null (the default) never. Read when the server starts and when
   * it moves to new code. A hibernating server is woken by its next message as by any other; a
   * system request ({@code Sys.getState}, a code change) leaves it hibernating.
   */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  default java.time.Duration hibernateAfter() {
    return null;
  }

  /**
   * Runs after a callback returned {@link Next#continueWith(Object)}, before any message: OTP's
   * {@code handle_continue}. The default fails the server, since it was asked to continue and does
   * not know how.
   */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  default CastResult<S> handleContinue(Object arg, S state) throws Exception {
    throw new UnsupportedOperationException(
        getClass().getName()
            + " returned Next.continueWith("
            + arg
            + ") but does not override handleContinue");
  }

  /** Handles any other message. The default logs it and keeps the state. */
  default CastResult<S> handleInfo(Object message, S state) throws Exception {
    LoggerFactory.getLogger(getClass())
        .warn("{} received an unexpected message: {}", Process.self(), message);
    return new NoReply<>(state);
  }

  /**
   * A message built from another version of this server's module that cannot be migrated to this
   * version: a request or cast whose record lost a component without a default, an enum constant
   * that no longer exists, a lambda of old code. {@code message} is what came (a call's request, a
   * cast's request, or the message itself); {@code from} is the caller for a call, else null, and
   * can be answered with {@link #reply}. Return {@link NoReply} to go on without it (a call not
   * answered then fails with {@code CallException.Kind.NOT_MIGRATED}).
   *
   * <p>The default refuses: during a code change ({@code Sys.changeCode}, a release install) a
   * waiting message that cannot be migrated fails the change, and the process stays on its old code
   * with its old state and its messages; a message that arrives after the switch is dropped with a
   * warning. Either way the process does not crash.
   */
  default CastResult<S> handleUnmigratable(
      Object message, From from, MigrationException reason, S state) throws Exception {
    throw reason;
  }

  /**
   * Called when the server stops: a {@link Stop}, a crash, a {@link #stop}, or its parent's exit
   * while trapping exits.
   */
  default void terminate(ExitReason reason, S state) throws Exception {}

  /**
   * Turns the state of an older version of this server into this version's state, when the process
   * moves to this version. The default maps it by class name ({@link Migration}): records by
   * component, enums by constant, collections element by element. Override it to do more, and call
   * {@code Migration.migrate(oldState, getClass())} for the default part.
   *
   * @param oldVsn the version number of the module the state comes from
   * @param oldState the state, built from the old version's classes
   * @param extra what the upgrade passes ({@link dev.molt.sys.Sys#changeCode}); null for a lazy
   *     switch
   */
  @SuppressWarnings("unchecked")
  default S codeChange(Object oldVsn, Object oldState, Object extra) throws Exception {
    return (S) Migration.migrate(oldState, getClass());
  }

  // ---- client API -------------------------------------------------------------------------

  /**
   * Starts an unnamed server, unlinked; returns once {@code init} has returned (null if it returned
   * {@link Init.Ignore}).
   */
  static <S> Pid start(GenServer<S> callbacks, Object arg) {
    return GenServerCalls.start(null, callbacks, arg, false, Timeouts.DEFAULT);
  }

  /**
   * Starts a server registered as {@code name}, unlinked. A name already taken fails with the
   * holder's pid.
   */
  static <S> Pid start(String name, GenServer<S> callbacks, Object arg) {
    return GenServerCalls.start(
        Objects.requireNonNull(name, "name"), callbacks, arg, false, Timeouts.DEFAULT);
  }

  /**
   * As {@link #start(String, GenServer, Object)}, waiting at most {@code initTimeout} for {@code
   * init}; {@code name} may be null.
   */
  static <S> Pid start(String name, GenServer<S> callbacks, Object arg, Duration initTimeout) {
    return GenServerCalls.start(name, callbacks, arg, false, initTimeout);
  }

  /** Starts an unnamed server linked to the calling process. */
  static <S> Pid startLink(GenServer<S> callbacks, Object arg) {
    return GenServerCalls.start(null, callbacks, arg, true, Timeouts.DEFAULT);
  }

  /** Starts a server registered as {@code name} and linked to the calling process. */
  static <S> Pid startLink(String name, GenServer<S> callbacks, Object arg) {
    return GenServerCalls.start(
        Objects.requireNonNull(name, "name"), callbacks, arg, true, Timeouts.DEFAULT);
  }

  /**
   * As {@link #startLink(String, GenServer, Object)}, waiting at most {@code initTimeout} for
   * {@code init}; {@code name} may be null.
   */
  static <S> Pid startLink(String name, GenServer<S> callbacks, Object arg, Duration initTimeout) {
    return GenServerCalls.start(name, callbacks, arg, true, initTimeout);
  }

  /** Calls {@code server} and waits up to 5 seconds for the reply. */
  static Object call(Pid server, Object request) {
    return GenServerCalls.call(
        ProcessCell.of(Objects.requireNonNull(server, "server")),
        server,
        request,
        Timeouts.DEFAULT);
  }

  static Object call(Pid server, Object request, Duration timeout) {
    return GenServerCalls.call(
        ProcessCell.of(Objects.requireNonNull(server, "server")), server, request, timeout);
  }

  /**
   * Calls the server registered as {@code name}; no such name fails at once with kind {@code
   * NOPROC}.
   */
  static Object call(String name, Object request) {
    return call(name, request, Timeouts.DEFAULT);
  }

  static Object call(String name, Object request, Duration timeout) {
    ProcessCell cell = Registry.whereis(Objects.requireNonNull(name, "name"));
    if (cell == null) {
      throw CallException.noproc(name, request);
    }
    return GenServerCalls.call(cell, name, request, timeout);
  }

  /** Sends {@code request} to {@code handleCast}; never fails, even if the server is dead. */
  static void cast(Pid server, Object request) {
    Process.send(server, new GenServerLoop.Cast(request));
  }

  static void cast(String name, Object request) {
    ProcessCell cell = Registry.whereis(Objects.requireNonNull(name, "name"));
    if (cell != null) {
      cell.mailbox.put(new GenServerLoop.Cast(request));
    }
  }

  /**
   * Replies to a call whose {@code handleCall} returned {@link NoReply}. A reply to a caller that
   * gave up is dropped.
   */
  static void reply(From from, Object reply) {
    Call.of(Objects.requireNonNull(from, "from")).reply(reply);
  }

  /** Stops the server registered as {@code name} with {@code normal}, as {@link #stop(Pid)}. */
  static void stop(String name) {
    stop(name, ExitReason.normal(), Timeouts.DEFAULT);
  }

  /**
   * Stops the server registered as {@code name} with {@code reason}, waiting up to {@code timeout};
   * no such name fails at once with kind {@code NOPROC}.
   */
  static void stop(String name, ExitReason reason, Duration timeout) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(timeout, "timeout");
    ProcessCell cell = Registry.whereis(Objects.requireNonNull(name, "name"));
    if (cell == null) {
      throw CallException.noproc(name, "stop");
    }
    stop(cell.pid, reason, timeout);
  }

  /**
   * Turns the calling process into a server with {@code callbacks} and {@code state}, as OTP's
   * {@code gen_server:enter_loop}: for a process that did its own setup (registered itself, took
   * over a socket). Never returns; the process ends when the server stops. {@code next} (null:
   * none) is done before the first message.
   */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  static <S> void enterLoop(GenServer<S> callbacks, S state, Next next) {
    GenServerCalls.enterLoop(Objects.requireNonNull(callbacks, "callbacks"), state, next);
  }

  /** Stops {@code server} with {@code normal} and waits up to 5 seconds for it to end. */
  static void stop(Pid server) {
    stop(server, ExitReason.normal(), Timeouts.DEFAULT);
  }

  /**
   * Stops {@code server} with {@code reason}: {@code terminate} runs, then it ends. Waits for the
   * end. If it ends with another reason (its {@code terminate} crashed), this fails with a {@link
   * CallException} of kind {@code EXITED} and that reason, as OTP's {@code gen_server:stop}.
   */
  static void stop(Pid server, ExitReason reason, Duration timeout) {
    GenServerCalls.stop(
        Objects.requireNonNull(server, "server"),
        Objects.requireNonNull(reason, "reason"),
        timeout);
  }
}
