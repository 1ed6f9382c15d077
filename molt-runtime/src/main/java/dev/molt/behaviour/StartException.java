package dev.molt.behaviour;

import dev.molt.ExitReason;
import dev.molt.Pid;

import java.util.Optional;

/** A process that failed to start: its {@code init} failed, or its name was taken. */
public final class StartException extends RuntimeException {
  private final transient ExitReason reason;
  private final transient Pid alreadyStarted;

  public StartException(String message, ExitReason reason, Pid alreadyStarted) {
    super(message, reason == null ? null : reason.cause());
    this.reason = reason;
    this.alreadyStarted = alreadyStarted;
  }

  /** Why the process did not start. */
  public ExitReason reason() {
    return reason;
  }

  /** When the name was taken: the process that holds it. */
  public Optional<Pid> alreadyStarted() {
    return Optional.ofNullable(alreadyStarted);
  }
}
