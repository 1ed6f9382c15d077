package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import dev.molt.Process;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * Loads, starts and stops applications in dependency order, and keeps their config.
 *
 * <p>What happens when a started application's top supervisor ends on its own, by the {@link
 * Restart} type the application was started with (as in OTP):
 *
 * <table>
 *   <caption>Application restart types</caption>
 *   <tr><th>type</th><th>ends with {@code normal}</th><th>ends with anything else</th></tr>
 *   <tr><td>{@code PERMANENT}</td><td colspan="2">all other applications stop and the node halts</td></tr>
 *   <tr><td>{@code TRANSIENT}</td><td>reported</td><td>all other applications stop and the node halts</td></tr>
 *   <tr><td>{@code TEMPORARY}</td><td colspan="2">reported</td></tr>
 * </table>
 *
 * <p>A node has one controller, {@link #node()}, whose halt ends the JVM. Tests and embedders may
 * start their own with {@link #start(Consumer)} and decide what a halt does.
 *
 * <p>Config lives here, readable from any thread without a call, so that an application's own start
 * code can read it while the controller is busy starting it.
 */
@API(status = STABLE, since = "0.1")
public final class ApplicationController {
  private static volatile ApplicationController node;

  private final Pid pid;
  final Map<String, Map<String, Object>> env = new ConcurrentHashMap<>();

  private ApplicationController(Consumer<String> halt) {
    this.pid = GenServer.start(new ControllerServer(this, halt), null);
  }

  /** A controller of your own; {@code halt} is told why when a permanent application ends. */
  public static ApplicationController start(Consumer<String> halt) {
    return new ApplicationController(Objects.requireNonNull(halt, "halt"));
  }

  /** The node's controller, started on first use; a permanent application's end halts the JVM. */
  public static ApplicationController node() {
    ApplicationController controller = node;
    if (controller == null) {
      synchronized (ApplicationController.class) {
        controller = node;
        if (controller == null) {
          controller =
              new ApplicationController(
                  why -> {
                    org.slf4j.LoggerFactory.getLogger(ApplicationController.class)
                        .error("halting the node: {}", why);
                    Runtime.getRuntime().halt(1);
                  });
          node = controller;
        }
      }
    }
    return controller;
  }

  /** The controller's process. */
  public Pid pid() {
    return pid;
  }

  /** Loads {@code spec} with its default config. */
  public void load(ApplicationSpec spec) {
    load(spec, Map.of());
  }

  /**
   * Loads {@code spec}; {@code config} overrides its defaults. Loading a loaded application again
   * is an error.
   */
  public void load(ApplicationSpec spec, Map<String, Object> config) {
    ask(new ControllerServer.Load(Objects.requireNonNull(spec, "spec"), Map.copyOf(config)));
  }

  /** Forgets a loaded application that is not running. */
  public void unload(String name) {
    ask(new ControllerServer.Unload(name));
  }

  /**
   * Starts a loaded application whose dependencies are all started. Waits as long as its start
   * takes, as OTP's {@code application:start}; {@link #start(String, Restart, Duration)} bounds it.
   */
  public void start(String name, Restart type) {
    start(name, type, Process.INFINITY);
  }

  /**
   * As {@link #start(String, Restart)}, failing with a {@code CallException} of kind {@code
   * TIMEOUT} if the controller has not answered within {@code timeout} (the start goes on).
   */
  public void start(String name, Restart type, Duration timeout) {
    ask(
        new ControllerServer.Start(
            Objects.requireNonNull(name, "name"), Objects.requireNonNull(type, "type")),
        timeout);
  }

  /**
   * Starts {@code name} and every loaded application it needs, dependencies first; returns those it
   * started, in order.
   */
  @SuppressWarnings("unchecked")
  public List<String> ensureAllStarted(String name, Restart type) {
    List<String> order =
        (List<String>) ask(new ControllerServer.StartOrder(Objects.requireNonNull(name, "name")));
    List<String> started = new ArrayList<>();
    for (String app : order) {
      if (!isRunning(app)) {
        start(app, type);
        started.add(app);
      }
    }
    return started;
  }

  /**
   * Stops a running application: prepStop, its supervision tree, then stop. Its dependencies keep
   * running.
   */
  public void stop(String name) {
    stop(name, Process.INFINITY);
  }

  /** As {@link #stop(String)}, giving up waiting after {@code timeout} (the stop goes on). */
  public void stop(String name, Duration timeout) {
    ask(new ControllerServer.StopApp(Objects.requireNonNull(name, "name")), timeout);
  }

  /** Stops every running application, the last started first. */
  public void stopAll() {
    List<RunningApplication> running = whichApplications();
    for (RunningApplication app : running.reversed()) {
      stop(app.name());
    }
  }

  /** The running applications, in start order. */
  @SuppressWarnings("unchecked")
  public List<RunningApplication> whichApplications() {
    return (List<RunningApplication>) ask(new ControllerServer.Which());
  }

  /** The loaded applications' descriptors. */
  @SuppressWarnings("unchecked")
  public List<ApplicationSpec> loadedApplications() {
    return (List<ApplicationSpec>) ask(new ControllerServer.Loaded());
  }

  public boolean isRunning(String name) {
    return whichApplications().stream().anyMatch(app -> app.name().equals(name));
  }

  /** A config value of a loaded application. */
  public Optional<Object> getEnv(String app, String key) {
    Map<String, Object> values = env.get(app);
    return values == null ? Optional.empty() : Optional.ofNullable(values.get(key));
  }

  /** All config of a loaded application. */
  public Map<String, Object> getAllEnv(String app) {
    Map<String, Object> values = env.get(app);
    return values == null ? Map.of() : Map.copyOf(values);
  }

  public void setEnv(String app, String key, Object value) {
    Map<String, Object> values = env.get(app);
    if (values == null) {
      throw new IllegalArgumentException("application " + app + " is not loaded");
    }
    values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
  }

  /**
   * Replaces an application's config, as an upgrade does, and tells its callback what changed if it
   * is running.
   */
  public void changeConfig(String app, Map<String, Object> newEnv) {
    ask(new ControllerServer.ChangeConfig(app, Map.copyOf(newEnv)));
  }

  /**
   * Records that application {@code app} now runs {@code version}: its code moved to that version
   * in place, as a release install moves it, without a restart. {@link #whichApplications} and
   * {@code bin/<name> status} show it from then on.
   */
  @org.apiguardian.api.API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public void upgraded(String app, String version) {
    ask(
        new ControllerServer.Relabel(
            java.util.Objects.requireNonNull(app, "app"),
            java.util.Objects.requireNonNull(version, "version")));
  }

  private Object ask(Object request) {
    return ask(request, Process.INFINITY);
  }

  private Object ask(Object request, Duration timeout) {
    Object reply = GenServer.call(pid, request, Objects.requireNonNull(timeout, "timeout"));
    if (reply instanceof RuntimeException error) {
      throw error;
    }
    return reply;
  }

  /** Orders {@code name}'s dependencies before it; throws on an unknown application or a cycle. */
  static List<String> startOrder(String name, Map<String, ApplicationSpec> loaded) {
    List<String> order = new ArrayList<>();
    visit(name, null, loaded, new HashSet<>(), new ArrayList<>(), order);
    return order;
  }

  private static void visit(
      String name,
      String neededBy,
      Map<String, ApplicationSpec> loaded,
      Set<String> done,
      List<String> path,
      List<String> order) {
    if (done.contains(name)) {
      return;
    }
    if (path.contains(name)) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
      cycle.add(name);
      throw new IllegalStateException(
          "applications depend on each other in a cycle: " + String.join(" -> ", cycle));
    }
    ApplicationSpec spec = loaded.get(name);
    if (spec == null) {
      throw new IllegalArgumentException(
          "application "
              + name
              + " is not loaded"
              + (neededBy == null ? "" : " (needed by " + neededBy + ")")
              + "; load it first");
    }
    path.add(name);
    for (String dependency : spec.applications()) {
      visit(dependency, name, loaded, done, path, order);
    }
    path.removeLast();
    done.add(name);
    order.add(name);
  }

  static Map<String, Object> merged(ApplicationSpec spec, Map<String, Object> config) {
    Map<String, Object> values = new HashMap<>(spec.env());
    values.putAll(config);
    return values;
  }

  static Map<String, Object> diff(Map<String, Object> from, Map<String, Object> to, boolean added) {
    LinkedHashMap<String, Object> result = new LinkedHashMap<>();
    to.forEach(
        (key, value) -> {
          if (added
              ? !from.containsKey(key)
              : from.containsKey(key) && !Objects.equals(from.get(key), value)) {
            result.put(key, value);
          }
        });
    return result;
  }
}
