package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.internal.process.Timer;
import org.apiguardian.api.API;

/**
 * A timer started by {@link Process#sendAfter}; pass it to {@link Process#cancelTimer}.
 *
 * <p>A timer fires or is cancelled, never both: whichever of the two wins the state change from
 * {@code PENDING} decides, so a cancel that returns true guarantees the message was not sent.
 */
@API(status = STABLE, since = "0.1")
public final class TimerRef {
  final Timer timer;

  TimerRef(Timer timer) {
    this.timer = timer;
  }

  @Override
  public String toString() {
    return timer.toString();
  }
}
