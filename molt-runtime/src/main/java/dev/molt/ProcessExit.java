package dev.molt;

/**
 * Unwinds a process that is ending: thrown by {@link Process#exit(ExitReason)}, and by
 * {@link Process#receive} in a process that an exit signal has already killed. Code that catches
 * it must rethrow it.
 */
public final class ProcessExit extends Error {
  private final transient ExitReason reason;

  public ProcessExit(ExitReason reason) {
    super("process exit: " + reason, reason.cause(), false, false);
    this.reason = reason;
  }

  public ExitReason reason() {
    return reason;
  }
}
