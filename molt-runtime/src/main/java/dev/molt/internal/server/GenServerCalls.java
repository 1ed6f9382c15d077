package dev.molt.internal.server;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.behaviour.CallException;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.Next;
import dev.molt.behaviour.StartException;
import dev.molt.code.MigrationException;
import dev.molt.internal.code.ModuleVersion;
import dev.molt.internal.migration.Migrator;
import dev.molt.internal.migration.ModuleClasses;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.Signals;
import dev.molt.internal.process.Timeouts;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The client side of {@link GenServer}: starting a server and waiting for its {@code init}, calling
 * it, and stopping it. Every call is a {@link Call} put in the server's mailbox and watched like a
 * monitor, so a dead or dying server fails the call at once.
 */
public final class GenServerCalls {
  private GenServerCalls() {}

  public static <S> Pid start(
      String name, GenServer<S> callbacks, Object arg, boolean link, Duration initTimeout) {
    Objects.requireNonNull(callbacks, "callbacks");
    long timeout = Timeouts.nanos(initTimeout);
    ProcessCell self = ProcessCell.current();
    ProcessCell parent = link ? self : null;
    Call starter = new Call("init");
    ProcessCell cell = new ProcessCell();
    cell.watch(starter, starter);
    cell.start(
        new GenServerLoop<>(callbacks, arg, name, starter, parent == null ? cell.pid : parent.pid),
        parent);
    Object outcome = starter.await(timeout);
    cell.unwatch(starter);
    if (outcome instanceof Pid pid) {
      return pid;
    }
    if (outcome == Init.Ignore.class) {
      return null;
    }
    if (Call.timedOut(outcome)) {
      if (parent != null) {
        parent.unlink(cell);
      }
      Signals.exit(cell, null, ExitReason.kill(), false);
      throw new StartException(
          describe(callbacks, name)
              + " did not finish init within "
              + initTimeout.toMillis()
              + " ms",
          ExitReason.of("timeout"),
          null);
    }
    if (outcome instanceof StartException alreadyStarted) {
      throw alreadyStarted;
    }
    ExitReason reason = ((Call.Ended) outcome).reason();
    throw new StartException(
        describe(callbacks, name) + " failed to start: " + reason, reason, null);
  }

  private static String describe(GenServer<?> callbacks, String name) {
    return callbacks.getClass().getName() + (name == null ? "" : " (" + name + ")");
  }

  /** The calling process becomes a server ({@code GenServer.enterLoop}); never returns. */
  public static <S> void enterLoop(GenServer<S> callbacks, S state, Next next) {
    new GenServerLoop<>(callbacks, state, next).enter();
    throw new IllegalStateException("a server loop ended without stopping its process");
  }

  public static Object call(
      ProcessCell server, Object serverName, Object request, Duration timeout) {
    long nanos = Timeouts.nanos(timeout);
    if (server == ProcessCell.current()) {
      throw new CallException(
          CallException.Kind.CALLING_SELF,
          serverName,
          request,
          null,
          "a process cannot call itself");
    }
    Call from = new Call(request);
    // the classes the reply goes back in, fixed now: the server may change version before it
    // answers, or answer later (GenServer.reply) from a new version
    ClassLoader requestLoader = request == null ? null : request.getClass().getClassLoader();
    if (requestLoader instanceof ModuleClasses version) {
      from.replyTo = version; // a request of the module's classes says which version called
    }
    ModuleVersion readStack = null;
    if (requestLoader == null && server.runsNow() instanceof ModuleVersion version) {
      // a JDK-typed request does not: while one version is in play, it is the caller's; while
      // two are, a caller that runs the module (or one that links to it) is of its version, and
      // any other reads its stack, but only when the reply holds something to map (below)
      if (!version.inTransition()) {
        from.replyTo = version.loader;
      } else {
        from.replyTo = Callers.ofProcess(version);
        readStack = from.replyTo == null ? version : null;
      }
    }
    if (!server.isAlive()) {
      throw CallException.noproc(serverName, request);
    }
    server.mailbox.put(from);
    // Ordinary calls spin for the reply, which is what makes a busy call loop fast. Two do not:
    // a system request (during a code change the server it woke runs next on this carrier, and
    // spinning would only hold it off; GenServerLoop.handleSystem has the other half), and a call
    // to a suspended server, which will not answer before it is resumed. Both still yield this
    // carrier to a server that is not running before they park (docs/adr/0009): SwapPause
    // 118-148 -> 32-42 us on the 2-core AMD machine, 3 alternating runs.
    Object outcome =
        from.await(nanos, !(request instanceof SysRequest) && !server.mailbox.selective(), server);
    if (from.watching()) {
      server.unwatch(from);
    }
    if (outcome instanceof Call.Ended ended) {
      throw CallException.exited(serverName, request, ended.reason());
    }
    if (outcome instanceof Call.Failed failed) {
      throw CallException.notMigrated(serverName, request, failed.why());
    }
    if (readStack != null && outcome != null && Callers.mayNeedMapping(outcome, readStack)) {
      ModuleClasses mine = Callers.of(readStack);
      if (mine != null) {
        try {
          outcome = Migrator.to(mine, outcome, "reply");
        } catch (MigrationException e) {
          throw CallException.notMigrated(serverName, request, e);
        }
      }
    }
    if (Call.timedOut(outcome)) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CallException(
            CallException.Kind.INTERRUPTED,
            serverName,
            request,
            null,
            "the caller was interrupted");
      }
      throw CallException.timeout(serverName, request, nanos);
    }
    return outcome;
  }

  /**
   * Sends {@code request} to every server at once and waits for all the replies; returns the
   * servers whose call failed, each with the {@link RuntimeException} the call would have thrown (a
   * {@link CallException}, or the error of a refused system request). One request object serves
   * them all: it must be immutable. A system request with a timeout goes through {@link
   * HeldDispatch}, which answers idle servers without waking them, and gives each server the
   * timeout from when its request reaches it (a batch of a million takes what it needs); other
   * requests share one deadline; with a zero timeout requests are only sent, in order.
   */
  public static Map<Pid, RuntimeException> callAll(
      Collection<Pid> servers, Object request, Duration timeout) {
    long nanos = Timeouts.nanos(timeout);
    long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
    Pid[] pids = servers.toArray(Pid[]::new);
    if (nanos > 0 && request instanceof SysRequest system) {
      return HeldDispatch.run(pids, system, nanos);
    }
    Map<Pid, RuntimeException> failures = new LinkedHashMap<>();
    Call[] calls = new Call[pids.length];
    Call.Batch batch = new Call.Batch(pids.length);
    ProcessCell self = ProcessCell.current();
    for (int i = 0; i < pids.length; i++) {
      if (ProcessCell.of(pids[i]) == self) {
        failures.put(pids[i], callingSelf(pids[i], request));
        batch.done();
      } else {
        calls[i] = new Call(request, batch);
        send(ProcessCell.of(pids[i]), calls[i]);
      }
    }
    batch.await(deadline);
    for (int i = 0; i < pids.length; i++) {
      RuntimeException failure = settle(pids[i], calls[i], nanos);
      if (failure != null) {
        failures.put(pids[i], failure);
      }
    }
    return failures;
  }

  static CallException callingSelf(Pid pid, Object request) {
    return new CallException(
        CallException.Kind.CALLING_SELF, pid, request, null, "a process cannot call itself");
  }

  /**
   * The failure of one call of {@link #callAll} once its batch is over (one without an outcome yet
   * times out now), or null if it succeeded; it stops watching the server.
   */
  static RuntimeException settle(Pid pid, Call call, long nanos) {
    if (call == null) {
      return null;
    }
    Object outcome = call.outcomeNow();
    if (outcome == null) {
      call.expire();
      outcome = call.outcomeNow();
    }
    ProcessCell.of(pid).unwatch(call);
    if (Call.timedOut(outcome)) {
      return CallException.timeout(pid, call.request, nanos);
    }
    return failure(pid, call.request, outcome);
  }

  /** The failure an outcome of a call of {@link #callAll} stands for, or null for a reply. */
  static RuntimeException failure(Pid pid, Object request, Object outcome) {
    if (outcome == NO_PROCESS) {
      return CallException.noproc(pid, request);
    } else if (outcome instanceof Call.Ended ended) {
      return CallException.exited(pid, request, ended.reason());
    } else if (outcome instanceof Call.Failed failed) {
      return CallException.notMigrated(pid, request, failed.why());
    } else if (outcome instanceof SysRequest.Refused refused) {
      return refused.error();
    } else if (outcome instanceof RuntimeException error) {
      return error;
    }
    return null;
  }

  /** The outcome of a call in {@link #callAll} to a process that had already ended. */
  private static final Object NO_PROCESS = new Object();

  /**
   * Puts one call of {@link #callAll} in the server's mailbox, watching the server; a dead server
   * completes it at once.
   */
  public static void send(ProcessCell server, Call call) {
    if (server.watch(call, call)) {
      server.mailbox.put(call);
    } else {
      call.complete(NO_PROCESS);
    }
  }

  public static void stop(Pid server, ExitReason reason, Duration timeout) {
    long nanos = Timeouts.nanos(timeout);
    Call watcher = new Call("stop");
    if (!ProcessCell.of(server).watch(watcher, watcher)) {
      throw CallException.noproc(server, "stop");
    }
    ProcessCell.of(server).mailbox.put(new GenServerLoop.StopRequest(reason));
    Object outcome = watcher.await(nanos);
    ProcessCell.of(server).unwatch(watcher);
    if (Call.timedOut(outcome)) {
      throw CallException.timeout(server, "stop", nanos);
    }
    // as OTP's gen_server:stop: a server that ended with another reason (its terminate crashed)
    // fails the stop with that reason
    if (outcome instanceof Call.Ended(ExitReason ended) && !ended.equals(reason)) {
      throw CallException.exited(server, "stop", ended);
    }
  }
}
