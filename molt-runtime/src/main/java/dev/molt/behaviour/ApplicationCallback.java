package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import java.util.Map;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * An application's start module: starts its supervision tree, and hears of its stop and of config
 * changes. Only {@link #start} is required.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface ApplicationCallback {

  /**
   * Starts the application's top supervisor, linked to the caller, and returns its pid.
   *
   * @param type how the application was started
   * @param env the application's configuration at start
   */
  Pid start(Restart type, Map<String, Object> env) throws Exception;

  /** Called before the supervision tree is stopped. */
  default void prepStop() throws Exception {}

  /** Called after the supervision tree has stopped. */
  default void stop() throws Exception {}

  /**
   * The child specs that the supervisor registered as {@code supervisor} has in this version of the
   * application: what a release upgrade starts when its appup says {@code supervisor <name>
   * start=[child, ...]}. Empty by default.
   */
  default java.util.List<ChildSpec> childSpecs(String supervisor) {
    return java.util.List.of();
  }

  /** Called after an upgrade changed the configuration of the running application. */
  default void configChange(
      Map<String, Object> changed, Map<String, Object> added, Set<String> removed)
      throws Exception {}
}
