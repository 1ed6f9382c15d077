package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * How a supervisor starts, restarts and stops one child.
 *
 * <p>{@code modules} lists the modules the child runs, so that a release upgrade can find the
 * processes it must suspend; an empty list means the module of the child's own behaviour.
 *
 * @param id unique among the children of one supervisor
 * @param start starts the child, linked to the supervisor
 * @param restart when to restart it
 * @param shutdown how to stop it
 * @param type worker or supervisor
 * @param modules the modules it runs
 */
@API(status = STABLE, since = "0.1")
public record ChildSpec(
    String id,
    ChildStart start,
    Restart restart,
    ChildShutdown shutdown,
    ChildType type,
    List<String> modules,
    boolean significant) {

  public ChildSpec {
    Objects.requireNonNull(id, "a child spec needs an id");
    Objects.requireNonNull(start, "child " + id + " needs a start function");
    Objects.requireNonNull(restart, "child " + id + " needs a restart type");
    Objects.requireNonNull(shutdown, "child " + id + " needs a shutdown policy");
    Objects.requireNonNull(type, "child " + id + " needs a type");
    modules = List.copyOf(Objects.requireNonNull(modules, "modules"));
    if (significant && restart == Restart.PERMANENT) {
      throw new IllegalArgumentException(
          "child "
              + id
              + " cannot be significant and PERMANENT: a significant child is one whose own end"
              + " may end its supervisor, so it must be TRANSIENT or TEMPORARY");
    }
  }

  /** A child that is not significant (see {@link #withSignificant}). */
  public ChildSpec(
      String id,
      ChildStart start,
      Restart restart,
      ChildShutdown shutdown,
      ChildType type,
      List<String> modules) {
    this(id, start, restart, shutdown, type, modules, false);
  }

  /** A permanent worker, given 5 seconds to shut down. */
  public static ChildSpec worker(String id, ChildStart start) {
    return new ChildSpec(
        id,
        start,
        Restart.PERMANENT,
        ChildShutdown.timeout(Duration.ofSeconds(5)),
        ChildType.WORKER,
        List.of());
  }

  /** A permanent child supervisor, given all the time it needs to shut down its own children. */
  public static ChildSpec supervisor(String id, ChildStart start) {
    return new ChildSpec(
        id, start, Restart.PERMANENT, ChildShutdown.infinity(), ChildType.SUPERVISOR, List.of());
  }

  public ChildSpec withRestart(Restart restart) {
    return new ChildSpec(id, start, restart, shutdown, type, modules, significant);
  }

  public ChildSpec withShutdown(ChildShutdown shutdown) {
    return new ChildSpec(id, start, restart, shutdown, type, modules, significant);
  }

  public ChildSpec withModules(String... modules) {
    return new ChildSpec(id, start, restart, shutdown, type, List.of(modules), significant);
  }

  /**
   * Marks the child significant, as OTP's {@code significant => true}: under a supervisor whose
   * {@link SupervisorSpec#autoShutdown()} is not {@code NEVER}, this child ending on its own (not
   * restarted, not stopped by the supervisor) may end the supervisor. Only for {@code TRANSIENT}
   * and {@code TEMPORARY} children.
   */
  public ChildSpec withSignificant(boolean significant) {
    return new ChildSpec(id, start, restart, shutdown, type, modules, significant);
  }
}
