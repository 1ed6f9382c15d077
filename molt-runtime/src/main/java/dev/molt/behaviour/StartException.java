package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.INTERNAL;
import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.ExitReason;
import dev.molt.Pid;
import java.util.Optional;
import org.apiguardian.api.API;

/** A process that failed to start: its {@code init} failed, or its name was taken. */
@API(status = STABLE, since = "0.1")
public final class StartException extends RuntimeException {
  private final transient ExitReason reason;
  private final transient Pid alreadyStarted;

  @API(status = INTERNAL, since = "0.1")
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
