package dev.molt.release;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A release install or downgrade that failed. If {@link #rolledBack()}, it failed before its point
 * of no return and everything was put back: the old release is current, every process is on its old
 * version with its old state, and the node serves as before.
 */
@API(status = STABLE, since = "0.1")
public final class InstallException extends RuntimeException {
  private final boolean rolledBack;

  InstallException(String message, boolean rolledBack, Throwable cause) {
    super(message, cause);
    this.rolledBack = rolledBack;
  }

  public boolean rolledBack() {
    return rolledBack;
  }
}
