package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/** How a supervisor stops a child: kill it at once, or ask and wait, then kill. */
@API(status = STABLE, since = "0.1")
public sealed interface ChildShutdown {
  /** Sends {@code kill}: the child gets no chance to clean up. */
  @API(status = STABLE, since = "0.1")
  record BrutalKill() implements ChildShutdown {}

  /**
   * Sends {@code shutdown} and waits {@code timeout}; kills the child if it has not ended by then.
   * Zero is allowed, as in OTP: the child is killed unless it has already ended.
   */
  @API(status = STABLE, since = "0.1")
  record Timeout(Duration timeout) implements ChildShutdown {
    public Timeout {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(
            "a shutdown timeout must be 0 or more, got " + timeout + "; use brutalKill() to kill");
      }
    }
  }

  /**
   * Sends {@code shutdown} and waits as long as it takes (the usual choice for a child supervisor).
   */
  @API(status = STABLE, since = "0.1")
  record Infinity() implements ChildShutdown {}

  static ChildShutdown brutalKill() {
    return new BrutalKill();
  }

  static ChildShutdown timeout(Duration timeout) {
    return new Timeout(timeout);
  }

  static ChildShutdown infinity() {
    return new Infinity();
  }
}
