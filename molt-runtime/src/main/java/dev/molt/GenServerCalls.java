package dev.molt;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import java.time.Duration;

/**
 * The client side of {@link GenServer}: starting a server and waiting for its {@code init},
 * calling it, and stopping it. Every call is a {@link From} put in the server's mailbox and
 * watched like a monitor, so a dead or dying server fails the call at once.
 */
final class GenServerCalls {
  private GenServerCalls() {}

  static <S> Pid start(String name, GenServer<S> callbacks, Object arg, boolean link, Duration initTimeout) {
    java.util.Objects.requireNonNull(callbacks, "callbacks");
    long timeout = Timeouts.nanos(initTimeout);
    ProcessCell self = ProcessCell.current();
    ProcessCell parent = link ? self : null;
    From starter = new From("init");
    ProcessCell cell = new ProcessCell();
    cell.watch(starter, starter);
    cell.start(new GenServerLoop<>(callbacks, arg, name, starter, parent == null ? cell.pid : parent.pid), parent);
    Object outcome = starter.await(timeout);
    cell.unwatch(starter);
    if (outcome instanceof Pid pid) {
      return pid;
    }
    if (outcome == Init.Ignore.class) {
      return null;
    }
    if (From.timedOut(outcome)) {
      if (parent != null) {
        parent.unlink(cell);
      }
      Process.exit(cell.pid, ExitReason.kill());
      throw new StartException(describe(callbacks, name) + " did not finish init within "
          + initTimeout.toMillis() + " ms", ExitReason.of("timeout"), null);
    }
    if (outcome instanceof StartException alreadyStarted) {
      throw alreadyStarted;
    }
    ExitReason reason = ((From.Ended) outcome).reason();
    throw new StartException(describe(callbacks, name) + " failed to start: " + reason, reason, null);
  }

  private static String describe(GenServer<?> callbacks, String name) {
    return callbacks.getClass().getName() + (name == null ? "" : " (" + name + ")");
  }

  static Object call(ProcessCell server, Object serverName, Object request, Duration timeout) {
    long nanos = Timeouts.nanos(timeout);
    if (server == ProcessCell.current()) {
      throw new CallException(CallException.Kind.CALLING_SELF, serverName, request, null,
          "a process cannot call itself");
    }
    From from = new From(request);
    if (!server.watch(from, from)) {
      throw CallException.noproc(serverName, request);
    }
    server.mailbox.put(from);
    // Ordinary calls spin for the reply, which is what makes a busy call loop fast. Two do not:
    // a system request (during a code change the server it woke runs next on this carrier, and
    // spinning would only hold it off; GenServerLoop.handleSystem has the other half), and a call
    // to a suspended server, which will not answer before it is resumed.
    Object outcome = from.await(nanos, !(request instanceof SysRequest) && !server.mailbox.selective());
    server.unwatch(from);
    if (outcome instanceof From.Ended ended) {
      throw CallException.exited(serverName, request, ended.reason());
    }
    if (From.timedOut(outcome)) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CallException(CallException.Kind.INTERRUPTED, serverName, request, null, "the caller was interrupted");
      }
      throw CallException.timeout(serverName, request, nanos);
    }
    return outcome;
  }

  /**
   * Sends {@code request(pid)} to every server at once and waits for all the replies under one
   * deadline. Each outcome is the reply, or the {@link RuntimeException} the call would have
   * thrown (a {@link CallException}, or the error of a refused system request).
   */
  static Map<Pid, Object> callAll(Collection<Pid> servers, Function<Pid, Object> request, Duration timeout) {
    long nanos = Timeouts.nanos(timeout);
    long deadline = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + nanos;
    Map<Pid, Object> outcomes = LinkedHashMap.newLinkedHashMap(servers.size());
    Map<Pid, From> pending = LinkedHashMap.newLinkedHashMap(servers.size());
    From.Batch batch = new From.Batch(servers.size());
    for (Pid pid : servers) {
      Object message = request.apply(pid);
      if (pid.cell == ProcessCell.current()) {
        outcomes.put(pid, new CallException(CallException.Kind.CALLING_SELF, pid, message, null, "a process cannot call itself"));
        batch.done();
        continue;
      }
      From from = new From(message, batch);
      if (!pid.cell.watch(from, from)) {
        outcomes.put(pid, CallException.noproc(pid, message));
        batch.done();
        continue;
      }
      pid.cell.mailbox.put(from);
      pending.put(pid, from);
    }
    batch.await(deadline);
    for (Map.Entry<Pid, From> entry : pending.entrySet()) {
      Pid pid = entry.getKey();
      From from = entry.getValue();
      from.expire();
      pid.cell.unwatch(from);
      Object outcome = from.outcomeNow();
      if (outcome instanceof From.Ended ended) {
        outcome = CallException.exited(pid, from.request, ended.reason());
      } else if (From.timedOut(outcome)) {
        outcome = CallException.timeout(pid, from.request, nanos);
      } else if (outcome instanceof SysRequest.Refused refused) {
        outcome = refused.error();
      }
      outcomes.put(pid, outcome);
    }
    return outcomes;
  }

  static void stop(Pid server, ExitReason reason, Duration timeout) {
    long nanos = Timeouts.nanos(timeout);
    From watcher = new From("stop");
    if (!server.cell.watch(watcher, watcher)) {
      throw CallException.noproc(server, "stop");
    }
    server.cell.mailbox.put(new GenServerLoop.StopRequest(reason));
    Object outcome = watcher.await(nanos);
    server.cell.unwatch(watcher);
    if (From.timedOut(outcome)) {
      throw CallException.timeout(server, "stop", nanos);
    }
  }
}
