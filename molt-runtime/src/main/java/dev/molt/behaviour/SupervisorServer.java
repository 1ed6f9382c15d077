package dev.molt.behaviour;

import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.internal.migration.Migrator;
import dev.molt.internal.migration.ModuleClasses;
import dev.molt.internal.process.Guard;
import dev.molt.internal.server.Delegating;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The callbacks behind {@link Supervisor}. The state is the list of children in start order and the
 * times of recent restarts; it is mutated in place and returned, as the loop allows.
 */
final class SupervisorServer
    implements GenServer<SupervisorServer.State>, Delegating<SupervisorServer.State> {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisorServer.class);

  record WhichChildren() {}

  record CountChildren() {}

  record WhichChild(String id) {}

  record GetChildSpec(String id, Pid pid) {}

  record StartChild(ChildSpec spec, List<Object> args, boolean withInfo) {}

  record TerminateChild(String id, Pid pid) {}

  record RestartChild(String id, boolean withInfo) {}

  record DeleteChild(String id) {}

  /**
   * Sent by the supervisor to itself when a restart failed: it tries again as its next message, as
   * OTP's {@code try_again_restart} does, so that calls are answered between attempts.
   */
  record TryAgain(Child child) {}

  /** A child: its spec, the args it was started with, and its pid while it runs. */
  static final class Child {
    final ChildSpec spec;

    /** Dropped once a temporary child started: it is never restarted, so they are never needed. */
    List<Object> args;

    Pid pid;

    /** A restart of this child failed and a {@link TryAgain} for it is on its way. */
    boolean restarting;

    Child(ChildSpec spec, List<Object> args) {
      this.spec = spec;
      this.args = args;
    }

    ChildInfo info() {
      return new ChildInfo(spec.id(), pid, spec.type(), spec.modules(), restarting);
    }
  }

  /**
   * The children in start order, with an index by pid: a {@code SIMPLE_ONE_FOR_ONE} supervisor may
   * hold many thousands, and each exit, stop or lookup by pid must not scan them all. A child's pid
   * is set through {@link #setPid} so that the index follows it.
   */
  static final class Children implements Iterable<Child> {
    private final LinkedHashSet<Child> inOrder = new LinkedHashSet<>();
    private final HashMap<Pid, Child> byPid = new HashMap<>();

    void add(Child child) {
      inOrder.add(child);
      if (child.pid != null) {
        byPid.put(child.pid, child);
      }
    }

    void remove(Child child) {
      if (inOrder.remove(child) && child.pid != null) {
        byPid.remove(child.pid, child);
      }
    }

    boolean contains(Child child) {
      return inOrder.contains(child);
    }

    /** Sets {@code child}'s pid (null: not running), in the index too if it is one of these. */
    void setPid(Child child, Pid pid) {
      if (child.pid != null) {
        byPid.remove(child.pid, child);
      }
      child.pid = pid;
      if (pid != null && inOrder.contains(child)) {
        byPid.put(pid, child);
      }
    }

    Child find(Pid pid) {
      return byPid.get(pid);
    }

    int size() {
      return inOrder.size();
    }

    Stream<Child> stream() {
      return inOrder.stream();
    }

    List<Child> list() {
      return List.copyOf(inOrder);
    }

    /** {@code first} and the children started after it. */
    List<Child> from(Child first) {
      List<Child> tail = new ArrayList<>();
      for (Child child : inOrder) {
        if (child == first || !tail.isEmpty()) {
          tail.add(child);
        }
      }
      return tail;
    }

    Iterable<Child> reversed() {
      return inOrder.reversed();
    }

    @Override
    public Iterator<Child> iterator() {
      return inOrder.iterator();
    }
  }

  static final class State {
    final SupervisorSpec spec;

    /** The module callback that gave the spec, and its argument; null for a spec given as is. */
    final SupervisorCallback callback;

    final Object arg;

    /**
     * The children in start order: each spec of a static supervisor (running or not); each running
     * or restarting child of a {@code SIMPLE_ONE_FOR_ONE} one.
     */
    final Children children = new Children();

    final ArrayDeque<Long> restarts = new ArrayDeque<>();

    State(SupervisorSpec spec, SupervisorCallback callback, Object arg) {
      this.spec = spec;
      this.callback = callback;
      this.arg = arg;
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

  /**
   * The callback until {@code init} has run, for the version the process runs; then the state holds
   * it, and this forgets it (it would keep its version's classes reachable after an upgrade).
   */
  private SupervisorCallback initial;

  SupervisorServer() {}

  SupervisorServer(SupervisorCallback callback) {
    this.initial = callback;
  }

  @Override
  public Init<State> init(Object arg) {
    Process.trapExit(true);
    SupervisorCallback callback = initial;
    initial = null;
    SupervisorSpec spec;
    if (callback == null) {
      spec = (SupervisorSpec) arg;
    } else {
      try {
        spec = callback.init(arg);
      } catch (Throwable t) {
        return Init.fail(Guard.crashReason(t));
      }
      if (spec == null) {
        return Init.ignore();
      }
    }
    State state = new State(spec, callback, callback == null ? null : arg);
    if (state.simple()) {
      return Init.ok(state);
    }
    for (ChildSpec childSpec : state.spec.children()) {
      Child child = new Child(childSpec, List.of());
      try {
        start(child, state);
      } catch (StartFailure failure) {
        terminateAll(state);
        return Init.fail(
            ExitReason.shutdown(List.of("failed_to_start_child", childSpec.id(), failure.reason)));
      }
      if (child.pid != null || childSpec.restart() != Restart.TEMPORARY) {
        state.children.add(child); // a temporary child that said ignore is not kept
      }
    }
    return Init.ok(state);
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    Object reply =
        switch (request) {
          case WhichChildren w -> state.children.stream().map(Child::info).toList();
          case CountChildren c -> counts(state);
          case WhichChild which -> Optional.ofNullable(find(state, which.id())).map(Child::info);
          case GetChildSpec get -> childSpec(get, state);
          case StartChild start -> startChild(start, state);
          case TerminateChild terminate -> terminateChild(terminate, state);
          case RestartChild restart -> restartChild(restart, state);
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
    } else if (message instanceof TryAgain again) {
      // the child itself, or after a code change the child of the same id that replaced it
      Child child =
          state.children.contains(again.child())
              ? again.child()
              : state.simple() ? null : find(state, again.child().spec.id());
      if (child != null && child.restarting) {
        // under ONE_FOR_ALL and REST_FOR_ONE the child may run again by now, started by the
        // failed attempt: the group is restarted from it all the same
        return restart(child, state);
      }
    }
    return new NoReply<>(state);
  }

  @Override
  public void terminate(ExitReason reason, State state) {
    terminateAll(state);
  }

  // ---- the callback's code changes (OTP's supervisor code_change) ---------------------------

  @Override
  public Object delegate(State state) {
    return state == null ? initial : state.callback;
  }

  @Override
  public State moved(Object next, ModuleClasses target, Object oldVsn, State state, Object extra)
      throws Exception {
    SupervisorCallback callback = (SupervisorCallback) next;
    Object arg =
        state.arg == null ? null : Migrator.to(target, state.arg, "the supervisor's init argument");
    SupervisorSpec spec = callback.init(arg);
    if (spec == null) {
      throw new IllegalStateException(
          callback.getClass().getName() + ".init said ignore; a running supervisor cannot");
    }
    boolean simple = spec.strategy() == RestartStrategy.SIMPLE_ONE_FOR_ONE;
    if (simple != state.simple()) {
      throw new IllegalStateException(
          "a supervisor cannot change to or from SIMPLE_ONE_FOR_ONE in a code change ("
              + state.spec.strategy()
              + " -> "
              + spec.strategy()
              + ")");
    }
    State moved = new State(spec, callback, arg);
    moved.restarts.addAll(state.restarts);
    Map<String, ChildSpec> specs = new LinkedHashMap<>();
    spec.children().forEach(c -> specs.put(c.id(), c));
    for (Child old : state.children) {
      ChildSpec childSpec = simple ? spec.children().getFirst() : specs.remove(old.spec.id());
      if (childSpec == null) {
        if (old.pid != null || old.restarting) {
          throw new IllegalStateException(
              "child "
                  + old.spec.id()
                  + " runs but is not among the children of the new "
                  + callback.getClass().getName()
                  + ".init; terminate and delete it before the change, or keep it in init");
        }
        continue; // a child that does not run and is no longer specified is forgotten
      }
      @SuppressWarnings("unchecked")
      List<Object> args =
          old.args.isEmpty()
              ? old.args
              : (List<Object>) Migrator.to(target, old.args, "child " + old.spec.id() + " args");
      Child child = new Child(childSpec, args);
      child.pid = old.pid;
      child.restarting = old.restarting;
      moved.children.add(child);
    }
    if (!simple) {
      specs
          .values()
          .forEach(c -> moved.children.add(new Child(c, List.of()))); // added, not started
    }
    return moved;
  }

  // ---- requests -----------------------------------------------------------------------

  private Object counts(State state) {
    int active = 0;
    int supervisors = 0;
    int workers = 0;
    for (Child child : state.children) {
      if (child.pid != null && Process.isAlive(child.pid)) {
        active++;
      }
      if (child.spec.type() == ChildType.SUPERVISOR) {
        supervisors++;
      } else {
        workers++;
      }
    }
    // a SIMPLE_ONE_FOR_ONE supervisor has one spec, its template, however many children run
    int specs = state.simple() ? 1 : state.children.size();
    return new ChildCounts(specs, active, supervisors, workers);
  }

  private Object childSpec(GetChildSpec request, State state) {
    if (request.pid() != null) {
      Child child = find(state, request.pid());
      return Optional.ofNullable(child).map(c -> c.spec);
    }
    if (state.simple()) {
      return notSimple("getChildSpec by id");
    }
    return Optional.ofNullable(find(state, request.id())).map(c -> c.spec);
  }

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
    Object info;
    try {
      info = start(child, state);
    } catch (StartFailure failure) {
      return new IllegalStateException(failure.getMessage(), failure.getCause());
    }
    if (child.pid != null || (!state.simple() && child.spec.restart() != Restart.TEMPORARY)) {
      state.children.add(child); // a dynamic or temporary child that said ignore is not kept
    }
    return request.withInfo() ? new ChildStart.Started(child.pid, info) : child.pid;
  }

  private Object terminateChild(TerminateChild request, State state) {
    if (request.pid() == null && state.simple()) {
      return notSimple("terminateChild by id");
    }
    // OTP: a pid names a child only under SIMPLE_ONE_FOR_ONE; elsewhere it is not_found
    Child child =
        request.pid() == null
            ? find(state, request.id())
            : state.simple() ? find(state, request.pid()) : null;
    if (child == null) {
      if (request.pid() != null
          && state.simple()
          && !request.pid().equals(Process.self())
          && !Process.isAlive(request.pid())) {
        return "ok"; // a dynamic child that is already gone, as OTP answers
      }
      return new IllegalArgumentException(
          "supervisor "
              + Process.self()
              + " has no child "
              + (request.pid() != null ? request.pid() : request.id())
              + (request.pid() != null && !state.simple()
                  ? " (a child of a supervisor that is not SIMPLE_ONE_FOR_ONE is named by its id)"
                  : ""));
    }
    shutdown(child, state);
    child.restarting = false;
    if (state.simple() || child.spec.restart() == Restart.TEMPORARY) {
      state.children.remove(child);
    }
    return "ok";
  }

  private Object restartChild(RestartChild request, State state) {
    String id = request.id();
    if (state.simple()) {
      return notSimple("restartChild");
    }
    Child child = find(state, id);
    if (child == null) {
      return new IllegalArgumentException("supervisor " + Process.self() + " has no child " + id);
    }
    if (child.pid != null) {
      return new IllegalStateException(
          "child " + id + " of supervisor " + Process.self() + " is running as " + child.pid);
    }
    Object info;
    try {
      info = start(child, state);
    } catch (StartFailure failure) {
      return new IllegalStateException(failure.getMessage(), failure.getCause());
    }
    child.restarting = false;
    return request.withInfo() ? new ChildStart.Started(child.pid, info) : child.pid;
  }

  private Object deleteChild(String id, State state) {
    if (state.simple()) {
      return notSimple("deleteChild");
    }
    Child child = find(state, id);
    if (child == null) {
      return new IllegalArgumentException("supervisor " + Process.self() + " has no child " + id);
    }
    if (child.pid != null || child.restarting) {
      return new IllegalStateException(
          "child "
              + id
              + " of supervisor "
              + Process.self()
              + (child.pid != null ? " is running as " + child.pid : " is restarting")
              + "; terminate it first");
    }
    state.children.remove(child);
    return "ok";
  }

  private static IllegalStateException notSimple(String what) {
    return new IllegalStateException(
        "supervisor "
            + Process.self()
            + " is SIMPLE_ONE_FOR_ONE: "
            + what
            + " does not apply; name a dynamic child by its pid");
  }

  // ---- restarts -----------------------------------------------------------------------

  private CastResult<State> childExited(Child child, ExitReason reason, State state) {
    state.children.setPid(child, null);
    if (!child.spec.restart().restarts(reason)) {
      if (state.simple() || child.spec.restart() == Restart.TEMPORARY) {
        state.children.remove(child);
      }
      if (autoShutdown(child, state)) {
        LOG.info(
            "supervisor {}: significant child {} ended ({}); shutting down ({})",
            Process.self(),
            child.spec.id(),
            reason,
            state.spec.autoShutdown());
        return new Stop<>(ExitReason.shutdown(), state);
      }
      return new NoReply<>(state);
    }
    LOG.warn(
        "supervisor {}: child {} exited with {}; restarting",
        Process.self(),
        child.spec.id(),
        reason);
    return restart(child, state);
  }

  /** Whether the end of {@code child}, not restarted, ends the supervisor (OTP's auto_shutdown). */
  private static boolean autoShutdown(Child child, State state) {
    if (!child.spec.significant()) {
      return false;
    }
    return switch (state.spec.autoShutdown()) {
      case NEVER -> false;
      case ANY_SIGNIFICANT -> true;
      case ALL_SIGNIFICANT ->
          state.children.stream().noneMatch(c -> c.spec.significant() && c.pid != null);
    };
  }

  /**
   * Restarts {@code failed} by the strategy, or gives up with {@code shutdown} past the intensity.
   * When a start fails, the supervisor sends itself a {@link TryAgain} and answers its calls in the
   * meantime; the next attempt counts as a restart and, under {@code ONE_FOR_ALL} and {@code
   * REST_FOR_ONE}, first stops what the failed attempt did start, so a group restarts whole or not
   * at all.
   */
  private CastResult<State> restart(Child failed, State state) {
    if (!allowRestart(state)) {
      LOG.error(
          "supervisor {}: reached_max_restart_intensity, more than {} restarts in {} (last: child"
              + " {}); shutting down",
          Process.self(),
          state.spec.intensity(),
          state.spec.period(),
          failed.spec.id());
      return new Stop<>(ExitReason.shutdown(), state);
    }
    failed.restarting = false;
    List<Child> group =
        switch (state.spec.strategy()) {
          case ONE_FOR_ONE, SIMPLE_ONE_FOR_ONE -> List.of(failed);
          case ONE_FOR_ALL -> state.children.list();
          case REST_FOR_ONE -> state.children.from(failed);
        };
    // every running member of the group stops first: on a second attempt that includes the
    // failed child itself, which the attempt before may have started again
    for (Child child : group.reversed()) {
      if (child.pid != null) {
        shutdown(child, state);
        if (child.spec.restart() == Restart.TEMPORARY) {
          state.children.remove(child); // OTP drops a temporary sibling instead of restarting it
        }
      }
    }
    for (Child child : group) {
      if (!state.children.contains(child) || child.pid != null) {
        continue;
      }
      try {
        start(child, state);
      } catch (StartFailure failure) {
        LOG.warn("supervisor {}: {}; trying again", Process.self(), failure.getMessage());
        failed.restarting = true;
        Process.send(Process.self(), new TryAgain(failed));
        return new NoReply<>(state);
      }
      if (child.pid == null && state.simple()) {
        state.children.remove(child); // a dynamic child whose restart said ignore is gone
      }
    }
    return new NoReply<>(state);
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

  /** Starts {@code child}; returns the start's extra information (null: none). */
  private Object start(Child child, State state) throws StartFailure {
    Pid pid;
    Object info;
    try {
      ChildStart.Started started = child.spec.start().startWithInfo(child.args);
      pid = started == null ? null : started.pid();
      info = started == null ? null : started.info();
    } catch (StartException e) {
      throw new StartFailure(child.spec.id(), e.reason());
    } catch (Throwable t) {
      throw new StartFailure(child.spec.id(), Guard.crashReason(t));
    }
    if (pid != null) {
      Process.link(pid);
    }
    state.children.setPid(child, pid);
    if (child.spec.restart() == Restart.TEMPORARY) {
      child.args = List.of(); // as OTP: a temporary child's start arguments are not kept
    }
    return info;
  }

  private void terminateAll(State state) {
    if (state.simple()) {
      // dynamic children are stopped together, under one deadline, as OTP does
      List<Pid> running = new ArrayList<>();
      for (Child child : state.children) {
        if (child.pid != null) {
          running.add(child.pid);
          state.children.setPid(child, null);
        }
      }
      Shutdowns.stopAll(
          running,
          state.spec.children().getFirst().shutdown(),
          "supervisor "
              + Process.self()
              + ": children of "
              + state.spec.children().getFirst().id());
      return;
    }
    for (Child child : state.children.reversed()) {
      shutdown(child, state);
    }
  }

  /**
   * Stops one child as OTP's supervisor does: unlink, monitor, signal, wait, and kill if it takes
   * too long.
   */
  private void shutdown(Child child, State state) {
    Pid pid = child.pid;
    if (pid == null) {
      return;
    }
    state.children.setPid(child, null);
    Shutdowns.stop(
        pid, child.spec.shutdown(), "supervisor " + Process.self() + ": child " + child.spec.id());
  }

  private static Child find(State state, Pid pid) {
    return state.children.find(pid);
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
