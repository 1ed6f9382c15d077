package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * OTP's supervisor behaviour: a module's callback that gives a supervisor its flags and children,
 * started with {@link Supervisor#startLink(String, SupervisorCallback, Object)}.
 *
 * <p>When the callback's module changes version (a release upgrade, or a load), the supervisor
 * calls the new version's {@code init} with the same argument, as OTP's supervisor {@code
 * code_change} does: the flags and the specs of its children are updated, running children keep
 * running (their new spec applies from their next restart), and a child new in the spec is added,
 * not started. A running child whose id is gone from the new spec refuses the change (terminate and
 * delete it first); one that is not running is forgotten.
 */
@API(status = EXPERIMENTAL, since = "0.2")
@FunctionalInterface
public interface SupervisorCallback {
  /**
   * The supervisor's flags and children for {@code arg}; null to ignore (the start returns null, as
   * OTP's {@code ignore}). A throw fails the start.
   */
  SupervisorSpec init(Object arg) throws Exception;
}
