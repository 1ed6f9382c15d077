package dev.molt.behaviour;

import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.internal.process.Guard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The callbacks behind {@link ApplicationController}; see there for the semantics. */
final class ControllerServer implements GenServer<ControllerServer.State> {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);
  private static final ChildShutdown STOP_TIMEOUT =
      ChildShutdown.timeout(java.time.Duration.ofSeconds(30));

  record Load(ApplicationSpec spec, Map<String, Object> config) {}

  record Unload(String name) {}

  record Start(String name, Restart type) {}

  record StartOrder(String name) {}

  record StopApp(String name) {}

  record Which() {}

  record Loaded() {}

  record ChangeConfig(String name, Map<String, Object> env) {}

  record Relabel(String name, String version) {}

  static final class State {
    final Map<String, ApplicationSpec> loaded = new LinkedHashMap<>();
    final Map<String, RunningApplication> running = new LinkedHashMap<>();
  }

  private final ApplicationController controller;
  private final Consumer<String> halt;

  ControllerServer(ApplicationController controller, Consumer<String> halt) {
    this.controller = controller;
    this.halt = halt;
  }

  @Override
  public Init<State> init(Object arg) {
    Process.trapExit(true);
    return Init.ok(new State());
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    Object reply;
    try {
      reply =
          switch (request) {
            case Load load -> load(load, state);
            case Unload unload -> unload(unload.name(), state);
            case Start start -> start(start, state);
            case StartOrder order -> ApplicationController.startOrder(order.name(), state.loaded);
            case StopApp stop -> stop(stop.name(), state);
            case Which which -> List.copyOf(state.running.values());
            case Loaded loaded -> List.copyOf(state.loaded.values());
            case ChangeConfig change -> changeConfig(change, state);
            case Relabel relabel -> relabel(relabel, state);
            default ->
                new IllegalArgumentException(
                    "the application controller does not understand " + request);
          };
    } catch (RuntimeException e) {
      reply = e;
    }
    return new Reply<>(reply, state);
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    return new NoReply<>(state);
  }

  @Override
  public CastResult<State> handleInfo(Object message, State state) {
    if (message instanceof Exit exit) {
      for (RunningApplication app : List.copyOf(state.running.values())) {
        if (app.supervisor() == exit.from()) {
          applicationEnded(app, exit.reason(), state);
        }
      }
    }
    return new NoReply<>(state);
  }

  @Override
  public void terminate(ExitReason reason, State state) {
    for (RunningApplication app : List.copyOf(state.running.values()).reversed()) {
      stop(app.name(), state);
    }
  }

  private Object load(Load load, State state) {
    String name = load.spec().name();
    if (state.loaded.containsKey(name)) {
      throw new IllegalStateException(
          "application "
              + name
              + " is already loaded (version "
              + state.loaded.get(name).version()
              + ")");
    }
    state.loaded.put(name, load.spec());
    controller.env.put(
        name, new ConcurrentHashMap<>(ApplicationController.merged(load.spec(), load.config())));
    return "ok";
  }

  /** An application's code moved to another version of it, in place (a release install). */
  private Object relabel(Relabel relabel, State state) {
    ApplicationSpec spec = state.loaded.get(relabel.name());
    if (spec == null) {
      throw new IllegalArgumentException("application " + relabel.name() + " is not loaded");
    }
    state.loaded.put(
        relabel.name(),
        new ApplicationSpec(
            spec.name(),
            relabel.version(),
            spec.modules(),
            spec.applications(),
            spec.callback(),
            spec.env()));
    RunningApplication running = state.running.get(relabel.name());
    if (running != null) {
      state.running.put(
          relabel.name(),
          new RunningApplication(
              running.name(), relabel.version(), running.type(), running.supervisor()));
    }
    return "ok";
  }

  private Object unload(String name, State state) {
    if (state.running.containsKey(name)) {
      throw new IllegalStateException(
          "application " + name + " is running; stop it before unloading it");
    }
    if (state.loaded.remove(name) == null) {
      throw new IllegalArgumentException("application " + name + " is not loaded");
    }
    controller.env.remove(name);
    return "ok";
  }

  private Object start(Start start, State state) {
    String name = start.name();
    ApplicationSpec spec = state.loaded.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("application " + name + " is not loaded; load it first");
    }
    if (state.running.containsKey(name)) {
      throw new IllegalStateException("application " + name + " is already started");
    }
    for (String dependency : spec.applications()) {
      if (!state.running.containsKey(dependency)) {
        throw new IllegalStateException(
            "application "
                + name
                + " cannot start: it needs "
                + dependency
                + ", which is not started; start it first or use ensureAllStarted");
      }
    }
    Pid supervisor;
    try {
      supervisor = spec.callback().start(start.type(), Map.copyOf(controller.env.get(name)));
    } catch (Throwable t) {
      throw new IllegalStateException(
          "application " + name + " failed to start: " + Guard.crashReason(t), t);
    }
    if (supervisor == null || !supervisor.isAlive()) {
      throw new IllegalStateException(
          "application "
              + name
              + " failed to start: its start callback returned "
              + (supervisor == null ? "no supervisor" : "a dead process " + supervisor));
    }
    Process.link(supervisor);
    state.running.put(name, new RunningApplication(name, spec.version(), start.type(), supervisor));
    LOG.info("application {} {} started ({})", name, spec.version(), start.type());
    return "ok";
  }

  private Object stop(String name, State state) {
    RunningApplication app = state.running.remove(name);
    if (app == null) {
      throw new IllegalStateException("application " + name + " is not started");
    }
    ApplicationCallback callback = state.loaded.get(name).callback();
    guarded(name, "prepStop", callback::prepStop);
    Shutdowns.stop(app.supervisor(), STOP_TIMEOUT, "application " + name + ": its top supervisor");
    guarded(name, "stop", callback::stop);
    LOG.info("application {} stopped", name);
    return "ok";
  }

  private Object changeConfig(ChangeConfig change, State state) {
    Map<String, Object> current = controller.env.get(change.name());
    if (current == null) {
      throw new IllegalArgumentException("application " + change.name() + " is not loaded");
    }
    Map<String, Object> old = Map.copyOf(current);
    Map<String, Object> changed = ApplicationController.diff(old, change.env(), false);
    Map<String, Object> added = ApplicationController.diff(old, change.env(), true);
    Set<String> removed = new HashSet<>(old.keySet());
    removed.removeAll(change.env().keySet());
    current.putAll(change.env());
    current.keySet().removeAll(removed);
    if (state.running.containsKey(change.name())
        && !(changed.isEmpty() && added.isEmpty() && removed.isEmpty())) {
      try {
        state
            .loaded
            .get(change.name())
            .callback()
            .configChange(changed, added, Set.copyOf(removed));
      } catch (Throwable t) {
        throw new IllegalStateException(
            "application " + change.name() + ": configChange failed: " + Guard.crashReason(t), t);
      }
    }
    return "ok";
  }

  private void applicationEnded(RunningApplication app, ExitReason reason, State state) {
    state.running.remove(app.name());
    boolean fatal =
        switch (app.type()) {
          case PERMANENT -> true;
          case TRANSIENT -> !(reason instanceof ExitReason.Normal);
          case TEMPORARY -> false;
        };
    String why = "application " + app.name() + " exited: " + reason + " (type " + app.type() + ")";
    if (!fatal) {
      LOG.info(why);
      return;
    }
    LOG.error(why + "; stopping all applications");
    for (RunningApplication other : new ArrayList<>(state.running.values()).reversed()) {
      try {
        stop(other.name(), state);
      } catch (RuntimeException e) {
        LOG.error("stopping application {} failed", other.name(), e);
      }
    }
    halt.accept(why);
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void guarded(String app, String callback, Step step) {
    try {
      step.run();
    } catch (Throwable t) {
      ExitReason reason = Guard.crashReason(t);
      LOG.error("application {}: {} failed: {}", app, callback, reason, t);
    }
  }
}
