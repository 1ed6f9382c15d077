package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.internal.server.GenServerCalls;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The supervisor behaviour: starts children, watches them, restarts them by its {@link
 * RestartStrategy}, and gives up when they fail too often.
 *
 * <p>A supervisor is a {@link GenServer} that traps exits. Its children are linked to it; when it
 * stops, it stops them, last started first, each by its {@link ChildShutdown}. Requests that cannot
 * be done (an unknown id, a child still running) throw {@link IllegalStateException} or {@link
 * IllegalArgumentException} with the supervisor and the child named.
 */
@API(status = STABLE, since = "0.1")
public final class Supervisor {
  private Supervisor() {}

  /**
   * Starts a supervisor linked to the calling process; its children are running when this returns.
   * Waits as long as the children take to start, as OTP's {@code supervisor:start_link} does.
   */
  public static Pid startLink(SupervisorSpec spec) {
    return startLink(null, spec, Process.INFINITY);
  }

  /** Starts a supervisor registered as {@code name} and linked to the calling process. */
  public static Pid startLink(String name, SupervisorSpec spec) {
    return startLink(Objects.requireNonNull(name, "name"), spec, Process.INFINITY);
  }

  /**
   * As {@link #startLink(String, SupervisorSpec)} ({@code name} may be null), giving up with a
   * {@link StartException} if the supervisor and its children have not started within {@code
   * timeout}; the supervisor is then killed.
   */
  public static Pid startLink(String name, SupervisorSpec spec, Duration timeout) {
    return GenServer.startLink(
        name,
        new SupervisorServer(),
        Objects.requireNonNull(spec, "spec"),
        Objects.requireNonNull(timeout, "timeout"));
  }

  /**
   * Starts a supervisor linked to the calling process whose flags and children come from {@code
   * callback.init(arg)}, OTP's supervisor behaviour ({@code name} may be null). Returns null if
   * {@code init} said ignore; a throwing {@code init} fails the start. The supervisor runs the
   * callback's module: an upgrade of that module runs the new version's {@code init} and updates
   * the children's specs ({@link SupervisorCallback}).
   */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public static Pid startLink(String name, SupervisorCallback callback, Object arg) {
    return startLink(name, callback, arg, Process.INFINITY);
  }

  /** As {@link #startLink(String, SupervisorCallback, Object)}, within {@code timeout}. */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public static Pid startLink(
      String name, SupervisorCallback callback, Object arg, Duration timeout) {
    return GenServer.startLink(
        name,
        new SupervisorServer(Objects.requireNonNull(callback, "callback")),
        arg,
        Objects.requireNonNull(timeout, "timeout"));
  }

  /** Starts a supervisor linked to nothing, as for a test or a node's root. */
  public static Pid start(SupervisorSpec spec) {
    return start(spec, Process.INFINITY);
  }

  /** As {@link #start(SupervisorSpec)}, within {@code timeout}. */
  public static Pid start(SupervisorSpec spec, Duration timeout) {
    return GenServerCalls.start(
        null,
        new SupervisorServer(),
        Objects.requireNonNull(spec, "spec"),
        false,
        Objects.requireNonNull(timeout, "timeout"));
  }

  /** The children, in start order. */
  @SuppressWarnings("unchecked")
  public static List<ChildInfo> whichChildren(Pid supervisor) {
    return (List<ChildInfo>)
        expect(List.class, supervisor, ask(supervisor, new SupervisorServer.WhichChildren()));
  }

  /** The reply of a supervisor, or a clear error when {@code supervisor} is some other server. */
  private static <T> T expect(Class<T> type, Pid supervisor, Object reply) {
    if (!type.isInstance(reply)
        || (reply instanceof List<?> list
            && !list.stream().allMatch(ChildInfo.class::isInstance))) {
      throw new IllegalArgumentException(
          supervisor + " is not a supervisor (it answered " + reply + ")");
    }
    return type.cast(reply);
  }

  /** How many specs and children the supervisor has, running or not, as OTP counts them. */
  public static ChildCounts countChildren(Pid supervisor) {
    return expect(
        ChildCounts.class, supervisor, ask(supervisor, new SupervisorServer.CountChildren()));
  }

  /** The child {@code id} of a static supervisor, running or not; empty if there is none. */
  @SuppressWarnings("unchecked")
  public static Optional<ChildInfo> whichChild(Pid supervisor, String id) {
    return (Optional<ChildInfo>)
        ask(supervisor, new SupervisorServer.WhichChild(Objects.requireNonNull(id, "id")));
  }

  /**
   * The spec of the child {@code id}; empty if there is none. Throws {@link IllegalStateException}
   * for a {@code SIMPLE_ONE_FOR_ONE} supervisor, whose children are named by pid.
   */
  @SuppressWarnings("unchecked")
  public static Optional<ChildSpec> getChildSpec(Pid supervisor, String id) {
    return (Optional<ChildSpec>)
        ask(supervisor, new SupervisorServer.GetChildSpec(Objects.requireNonNull(id, "id"), null));
  }

  /** The spec of the running child {@code child}; empty if it is not one of the supervisor's. */
  @SuppressWarnings("unchecked")
  public static Optional<ChildSpec> getChildSpec(Pid supervisor, Pid child) {
    return (Optional<ChildSpec>)
        ask(
            supervisor,
            new SupervisorServer.GetChildSpec(null, Objects.requireNonNull(child, "child")));
  }

  /**
   * Adds and starts a child; its id must be new. Returns its pid, or null if its start said ignore.
   */
  public static Pid startChild(Pid supervisor, ChildSpec spec) {
    return (Pid)
        ask(
            supervisor,
            new SupervisorServer.StartChild(
                Objects.requireNonNull(spec, "spec"), List.of(), false));
  }

  /**
   * Starts a child of a {@code SIMPLE_ONE_FOR_ONE} supervisor from its template, with {@code
   * extraArgs}.
   */
  public static Pid startChild(Pid supervisor, List<Object> extraArgs) {
    return (Pid)
        ask(supervisor, new SupervisorServer.StartChild(null, List.copyOf(extraArgs), false));
  }

  /**
   * Stops a child by its {@link ChildShutdown}; its spec stays (unless it is temporary) for {@link
   * #restartChild}. Stopping a child that is not running does nothing. An unknown id throws {@link
   * IllegalArgumentException}; a {@code SIMPLE_ONE_FOR_ONE} supervisor, whose children are named by
   * pid, throws {@link IllegalStateException}.
   */
  public static void terminateChild(Pid supervisor, String id) {
    ask(supervisor, new SupervisorServer.TerminateChild(Objects.requireNonNull(id, "id"), null));
  }

  /**
   * Stops a dynamic child of a {@code SIMPLE_ONE_FOR_ONE} supervisor; one that has already ended is
   * no error. Any other supervisor names its children by id: there, as for a live process that is
   * not a child, this throws {@link IllegalArgumentException} and stops nothing.
   */
  public static void terminateChild(Pid supervisor, Pid child) {
    ask(
        supervisor,
        new SupervisorServer.TerminateChild(null, Objects.requireNonNull(child, "child")));
  }

  /** Starts again a child that was terminated. */
  public static Pid restartChild(Pid supervisor, String id) {
    return (Pid)
        ask(supervisor, new SupervisorServer.RestartChild(Objects.requireNonNull(id, "id"), false));
  }

  /** Forgets the spec of a child that is not running. */
  public static void deleteChild(Pid supervisor, String id) {
    ask(supervisor, new SupervisorServer.DeleteChild(Objects.requireNonNull(id, "id")));
  }

  /**
   * As {@link #startChild(Pid, ChildSpec)}, with the start's extra information (OTP's {@code {ok,
   * Pid, Info}}; see {@link ChildStart#withInfo}).
   */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public static ChildStart.Started startChildWithInfo(Pid supervisor, ChildSpec spec) {
    return (ChildStart.Started)
        ask(
            supervisor,
            new SupervisorServer.StartChild(Objects.requireNonNull(spec, "spec"), List.of(), true));
  }

  /** As {@link #startChild(Pid, List)}, with the start's extra information. */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public static ChildStart.Started startChildWithInfo(Pid supervisor, List<Object> extraArgs) {
    return (ChildStart.Started)
        ask(supervisor, new SupervisorServer.StartChild(null, List.copyOf(extraArgs), true));
  }

  /** As {@link #restartChild}, with the start's extra information. */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public static ChildStart.Started restartChildWithInfo(Pid supervisor, String id) {
    return (ChildStart.Started)
        ask(supervisor, new SupervisorServer.RestartChild(Objects.requireNonNull(id, "id"), true));
  }

  /**
   * As {@link #startChild(Pid, ChildSpec)}, giving up waiting after {@code timeout} with a {@code
   * CallException} of kind {@code TIMEOUT} (the start goes on in the supervisor).
   */
  public static Pid startChild(Pid supervisor, ChildSpec spec, Duration timeout) {
    return (Pid)
        ask(
            supervisor,
            new SupervisorServer.StartChild(Objects.requireNonNull(spec, "spec"), List.of(), false),
            timeout);
  }

  /** As {@link #terminateChild(Pid, String)}, giving up waiting after {@code timeout}. */
  public static void terminateChild(Pid supervisor, String id, Duration timeout) {
    ask(
        supervisor,
        new SupervisorServer.TerminateChild(Objects.requireNonNull(id, "id"), null),
        timeout);
  }

  /** As {@link #restartChild(Pid, String)}, giving up waiting after {@code timeout}. */
  public static Pid restartChild(Pid supervisor, String id, Duration timeout) {
    return (Pid)
        ask(
            supervisor,
            new SupervisorServer.RestartChild(Objects.requireNonNull(id, "id"), false),
            timeout);
  }

  /**
   * Stops a supervisor and its children with {@code reason}, waiting up to {@code timeout} for it
   * to end (its children's shutdowns included).
   */
  public static void stop(Pid supervisor, ExitReason reason, Duration timeout) {
    GenServer.stop(Objects.requireNonNull(supervisor, "supervisor"), reason, timeout);
  }

  private static Object ask(Pid supervisor, Object request) {
    return ask(supervisor, request, Process.INFINITY);
  }

  /**
   * A request to the supervisor. Without a timeout it waits as long as it takes, as OTP's
   * supervisor calls do: a child start or shutdown may take long.
   */
  private static Object ask(Pid supervisor, Object request, Duration timeout) {
    Object reply =
        GenServer.call(
            Objects.requireNonNull(supervisor, "supervisor"),
            request,
            Objects.requireNonNull(timeout, "timeout"));
    if (reply instanceof RuntimeException error) {
      throw error;
    }
    return reply;
  }
}
