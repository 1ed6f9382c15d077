package dev.molt;

import java.time.Duration;

/**
 * The generic loop behind {@link GenServer}: takes a message, dispatches it to the callbacks
 * through the guard, and keeps the returned state. Calls arrive as their {@link From}, casts as
 * {@link Cast}, everything else is info.
 *
 * <p>This is the hot path of every call; it allocates nothing per message beyond what the
 * callbacks do.
 */
final class GenServerLoop<S> implements ProcessBody {
  record Cast(Object request) {}

  /** Asks the loop to stop with {@code reason}; the stopper watches for the end. */
  record StopRequest(ExitReason reason) {}

  private final GenServer<S> callbacks;
  private final Object arg;
  private final String name;
  private final From starter;
  private final Pid parent;
  private S state;

  private GenServerLoop(GenServer<S> callbacks, Object arg, String name, From starter, Pid parent) {
    this.callbacks = callbacks;
    this.arg = arg;
    this.name = name;
    this.starter = starter;
    this.parent = parent;
  }

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
    Object outcome = from.await(nanos);
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

  static void stop(Pid server, ExitReason reason, Duration timeout) {
    long nanos = Timeouts.nanos(timeout);
    From watcher = new From("stop");
    if (!server.cell.watch(watcher, watcher)) {
      throw CallException.noproc(server, "stop");
    }
    server.cell.mailbox.put(new StopRequest(reason));
    Object outcome = watcher.await(nanos);
    server.cell.unwatch(watcher);
    if (From.timedOut(outcome)) {
      throw CallException.timeout(server, "stop", nanos);
    }
  }

  @Override
  public void run() {
    ProcessCell self = ProcessCell.current();
    self.behaviour = callbacks;
    if (name != null) {
      try {
        Registry.register(name, self);
      } catch (IllegalStateException taken) {
        ProcessCell holder = Registry.whereis(name);
        starter.complete(new StartException(taken.getMessage(), ExitReason.of("already_started"),
            holder == null ? null : holder.pid));
        return;
      }
    }
    Init<S> init;
    try {
      init = callbacks.init(arg);
    } catch (Throwable t) {
      throw Guard.exitFor(t);
    }
    switch (init) {
      case Init.Ok<S> ok -> {
        state = ok.state();
        starter.complete(self.pid);
      }
      case Init.Ignore<S> ignore -> {
        starter.complete(Init.Ignore.class);
        return;
      }
      case Init.Fail<S> fail -> throw new ProcessExit(fail.reason());
      case null -> throw Guard.exitFor(new IllegalStateException(
          callbacks.getClass().getName() + ".init returned null; return Init.ok(state), Init.ignore() or Init.fail(reason)"));
    }
    loop(self.mailbox);
  }

  private void loop(Mailbox mailbox) {
    while (true) {
      Object message = mailbox.take(Long.MAX_VALUE);
      if (message instanceof From call) {
        handleCall(call);
      } else if (message instanceof Cast cast) {
        handleCast(cast.request());
      } else if (message instanceof Exit exit && exit.from() == parent) {
        stop(exit.reason());
      } else if (message instanceof StopRequest stop) {
        stop(stop.reason());
      } else {
        handleInfo(message);
      }
    }
  }

  private void handleCall(From call) {
    CallResult<S> result;
    try {
      result = callbacks.handleCall(call.request, call, state);
    } catch (Throwable t) {
      throw crash(t);
    }
    switch (result) {
      case Reply<S>(Object reply, S next) -> {
        state = next;
        call.complete(reply);
      }
      case NoReply<S>(S next) -> state = next;
      case Stop<S> stop -> {
        state = stop.state();
        if (stop.replies()) {
          call.complete(stop.reply());
        }
        stop(stop.reason());
      }
      case null -> throw crash(badReturn("handleCall", "Reply, NoReply or Stop"));
    }
  }

  private void handleCast(Object request) {
    CastResult<S> result;
    try {
      result = callbacks.handleCast(request, state);
    } catch (Throwable t) {
      throw crash(t);
    }
    handleCastResult(result, "handleCast");
  }

  private void handleInfo(Object message) {
    CastResult<S> result;
    try {
      result = callbacks.handleInfo(message, state);
    } catch (Throwable t) {
      throw crash(t);
    }
    handleCastResult(result, "handleInfo");
  }

  private void handleCastResult(CastResult<S> result, String callback) {
    switch (result) {
      case NoReply<S>(S next) -> state = next;
      case Stop<S> stop -> {
        state = stop.state();
        stop(stop.reason());
      }
      case null -> throw crash(badReturn(callback, "NoReply or Stop"));
    }
  }

  private IllegalStateException badReturn(String callback, String expected) {
    return new IllegalStateException(callbacks.getClass().getName() + "." + callback + " returned null; return " + expected);
  }

  /** A callback threw: terminate with the crash, then end the process with it. */
  private ProcessExit crash(Throwable t) {
    ProcessExit exit = Guard.exitFor(t);
    terminate(exit.reason());
    return exit;
  }

  private void stop(ExitReason reason) {
    terminate(reason);
    throw new ProcessExit(reason);
  }

  private void terminate(ExitReason reason) {
    try {
      callbacks.terminate(reason, state);
    } catch (Throwable t) {
      throw Guard.exitFor(t);
    }
  }
}
