package dev.molt;

import static org.apiguardian.api.API.Status.INTERNAL;
import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Unwinds a process that is ending: thrown by {@link Process#exit(ExitReason)}, and by {@link
 * Process#receive} in a process that an exit signal has already killed. Code that catches it must
 * rethrow it.
 */
@API(status = STABLE, since = "0.1")
public final class ProcessExit extends Error {
  private final transient ExitReason reason;

  @API(status = INTERNAL, since = "0.1")
  public ProcessExit(ExitReason reason) {
    super("process exit: " + reason, reason.cause(), false, false);
    this.reason = reason;
  }

  public ExitReason reason() {
    return reason;
  }
}
