package dev.molt.behaviour;

import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.internal.process.Guard;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callbacks behind {@link Supervisor}. The state is the list of children in start order and the
 * times of recent restarts; it is mutated in place and returned, as the loop allows.
 */
final class SupervisorServer implements GenServer<SupervisorServer.State> {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisorServer.class);

  record WhichChildren() {}

  record StartChild(ChildSpec spec, List<Object> args) {}

  record TerminateChild(String id, Pid pid) {}

  record RestartChild(String id) {}

  record DeleteChild(String id) {}

  /** A child: its spec, the args it was started with, and its pid while it runs. */
  static final class Child {
    final ChildSpec spec;
    final List<Object> args;
    Pid pid;

    Child(ChildSpec spec, List<Object> args) {
      this.spec = spec;
      this.args = args;
    }
  }

  static final class State {
    final SupervisorSpec spec;
    final List<Child> children = new ArrayList<>();
    final ArrayDeque<Long> restarts = new ArrayDeque<>();

    State(SupervisorSpec spec) {
      this.spec = spec;
    }

    boolean simple() {
      return spec.strategy() == RestartStrategy.SIMPLE_ONE_FOR_ONE;
    }
  }

  /** A child that would not start, and why. */
  private static final class StartFailure extends Exception {
    final ExitReason reason;

    StartFailure(String id, ExitReason reason) {
      super("child " + id + " failed to start: " + reason, reason.cause(), false, false);
      this.reason = reason;
    }
  }

  @Override
  public Init<State> init(Object arg) {
    Process.trapExit(true);
    State state = new State((SupervisorSpec) arg);
    if (state.simple()) {
      return Init.ok(state);
    }
    for (ChildSpec spec : state.spec.children()) {
      Child child = new Child(spec, List.of());
      try {
        start(child);
      } catch (StartFailure failure) {
        terminateAll(state);
        return Init.fail(
            ExitReason.shutdown(List.of("failed_to_start_child", spec.id(), failure.reason)));
      }
      state.children.add(child);
    }
    return Init.ok(state);
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    Object reply =
        switch (request) {
          case WhichChildren w ->
              state.children.stream()
                  .map(c -> new ChildInfo(c.spec.id(), c.pid, c.spec.type(), c.spec.modules()))
                  .toList();
          case StartChild start -> startChild(start, state);
          case TerminateChild terminate -> terminateChild(terminate, state);
          case RestartChild restart -> restartChild(restart.id(), state);
          case DeleteChild delete -> deleteChild(delete.id(), state);
          default ->
              new IllegalArgumentException(
                  "supervisor " + Process.self() + " does not understand " + request);
        };
    return new Reply<>(reply, state);
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    LOG.warn("supervisor {} ignores cast {}", Process.self(), request);
    return new NoReply<>(state);
  }

  @Override
  public CastResult<State> handleInfo(Object message, State state) {
    if (message instanceof Exit exit) {
      Child child = find(state, exit.from());
      if (child != null) {
        return childExited(child, exit.reason(), state);
      }
    }
    return new NoReply<>(state);
  }

  @Override
  public void terminate(ExitReason reason, State state) {
    terminateAll(state);
  }

  // ---- requests -----------------------------------------------------------------------

  private Object startChild(StartChild request, State state) {
    Child child;
    if (state.simple()) {
      if (request.spec() != null) {
        return new IllegalStateException(
            "supervisor "
                + Process.self()
                + " is SIMPLE_ONE_FOR_ONE: start children with startChild(supervisor, extraArgs)");
      }
      child = new Child(state.spec.children().getFirst(), request.args());
    } else {
      if (request.spec() == null) {
        return new IllegalStateException(
            "supervisor "
                + Process.self()
                + " is not SIMPLE_ONE_FOR_ONE: give startChild a ChildSpec");
      }
      Child existing = find(state, request.spec().id());
      if (existing != null) {
        return new IllegalStateException(
            "child "
                + request.spec().id()
                + " of supervisor "
                + Process.self()
                + (existing.pid != null
                    ? " is already started as " + existing.pid
                    : " is already present; restart or delete it"));
      }
      child = new Child(request.spec(), List.of());
    }
    try {
      start(child);
    } catch (StartFailure failure) {
      return new IllegalStateException(failure.getMessage(), failure.getCause());
    }
    if (child.pid != null || !state.simple()) {
      state.children.add(child);
    }
    return child.pid;
  }

  private Object terminateChild(TerminateChild request, State state) {
    Child child = request.pid() != null ? find(state, request.pid()) : find(state, request.id());
    if (child == null) {
      return new IllegalArgumentException(
          "supervisor "
              + Process.self()
              + " has no child "
              + (request.pid() != null ? request.pid() : request.id()));
    }
    shutdown(child);
    if (state.simple() || child.spec.restart() == Restart.TEMPORARY) {
      state.children.remove(child);
    }
    return "ok";
  }

  private Object restartChild(String id, State state) {
    Child child = find(state, id);
    if (child == null) {
      return new IllegalArgumentException("supervisor " + Process.self() + " has no child " + id);
    }
    if (child.pid != null) {
      return new IllegalStateException(
          "child " + id + " of supervisor " + Process.self() + " is running as " + child.pid);
    }
    try {
      start(child);
    } catch (StartFailure failure) {
      return new IllegalStateException(failure.getMessage(), failure.getCause());
    }
    return child.pid;
  }

  private Object deleteChild(String id, State state) {
    Child child = find(state, id);
    if (child == null) {
      return new IllegalArgumentException("supervisor " + Process.self() + " has no child " + id);
    }
    if (child.pid != null) {
      return new IllegalStateException(
          "child "
              + id
              + " of supervisor "
              + Process.self()
              + " is running as "
              + child.pid
              + "; terminate it first");
    }
    state.children.remove(child);
    return "ok";
  }

  // ---- restarts -----------------------------------------------------------------------

  private CastResult<State> childExited(Child child, ExitReason reason, State state) {
    child.pid = null;
    if (!child.spec.restart().restarts(reason)) {
      if (state.simple() || child.spec.restart() == Restart.TEMPORARY) {
        state.children.remove(child);
      }
      return new NoReply<>(state);
    }
    LOG.warn(
        "supervisor {}: child {} exited with {}; restarting",
        Process.self(),
        child.spec.id(),
        reason);
    while (true) {
      if (!allowRestart(state)) {
        LOG.error(
            "supervisor {}: more than {} restarts in {}; giving up",
            Process.self(),
            state.spec.intensity(),
            state.spec.period());
        return new Stop<>(ExitReason.shutdown("reached_max_restart_intensity"), state);
      }
      try {
        restart(child, state);
        return new NoReply<>(state);
      } catch (StartFailure failure) {
        LOG.warn("supervisor {}: {}", Process.self(), failure.getMessage());
      }
    }
  }

  private void restart(Child failed, State state) throws StartFailure {
    List<Child> affected =
        switch (state.spec.strategy()) {
          case ONE_FOR_ONE, SIMPLE_ONE_FOR_ONE -> List.of(failed);
          case ONE_FOR_ALL -> List.copyOf(state.children);
          case REST_FOR_ONE ->
              List.copyOf(
                  state.children.subList(state.children.indexOf(failed), state.children.size()));
        };
    for (Child child : affected.reversed()) {
      if (child != failed) {
        shutdown(child);
      }
    }
    for (Child child : affected) {
      if (child.pid == null) {
        start(child);
      }
    }
  }

  private boolean allowRestart(State state) {
    long now = state.spec.ticker().getAsLong();
    long period = state.spec.period().toNanos();
    state.restarts.addLast(now);
    while (!state.restarts.isEmpty() && now - state.restarts.peekFirst() > period) {
      state.restarts.pollFirst();
    }
    return state.restarts.size() <= state.spec.intensity();
  }

  // ---- starting and stopping children --------------------------------------------------

  private void start(Child child) throws StartFailure {
    Pid pid;
    try {
      pid = child.spec.start().start(child.args);
    } catch (StartException e) {
      throw new StartFailure(child.spec.id(), e.reason());
    } catch (Throwable t) {
      throw new StartFailure(child.spec.id(), Guard.crashReason(t));
    }
    if (pid != null) {
      Process.link(pid);
    }
    child.pid = pid;
  }

  private void terminateAll(State state) {
    for (Child child : state.children.reversed()) {
      shutdown(child);
    }
  }

  /**
   * Stops one child as OTP's supervisor does: unlink, monitor, signal, wait, and kill if it takes
   * too long.
   */
  private void shutdown(Child child) {
    Pid pid = child.pid;
    if (pid == null) {
      return;
    }
    child.pid = null;
    Shutdowns.stop(
        pid, child.spec.shutdown(), "supervisor " + Process.self() + ": child " + child.spec.id());
  }

  private static Child find(State state, Pid pid) {
    for (Child child : state.children) {
      if (child.pid == pid) {
        return child;
      }
    }
    return null;
  }

  private static Child find(State state, String id) {
    for (Child child : state.children) {
      if (child.spec.id().equals(id)) {
        return child;
      }
    }
    return null;
  }
}
