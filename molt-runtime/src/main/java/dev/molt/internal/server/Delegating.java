package dev.molt.internal.server;

import dev.molt.internal.migration.ModuleClasses;

/**
 * A behaviour of the stable layer that runs a module's callback: the supervisor behaviour with its
 * {@code init} callback. The process runs the version of the delegate's module, and a code change
 * gives the behaviour the delegate's new version instead of replacing the behaviour itself.
 */
public interface Delegating<S> {
  /**
   * The module object whose class says which version the process runs, given the state (null before
   * {@code init}); null: none.
   */
  Object delegate(S state);

  /**
   * The state after the delegate moved to {@code next}, an instance of its class in {@code target}
   * (OTP's supervisor {@code code_change}); throws to refuse the change, leaving everything as it
   * was. Must return a new state and leave {@code state} as it was: an undone change goes back to
   * it.
   */
  S moved(Object next, ModuleClasses target, Object oldVsn, S state, Object extra) throws Exception;
}
