package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apiguardian.api.API;

/**
 * A timer started by {@link Process#sendAfter}; pass it to {@link Process#cancelTimer}.
 *
 * <p>A timer fires or is cancelled, never both: whichever of the two wins the state change from
 * {@code PENDING} decides, so a cancel that returns true guarantees the message was not sent.
 */
@API(status = STABLE, since = "0.1")
public final class TimerRef {
  static final int PENDING = 0;
  static final int FIRED = 1;
  static final int CANCELLED = 2;

  final AtomicInteger state = new AtomicInteger(PENDING);
  volatile ScheduledFuture<?> future;

  TimerRef() {}

  @Override
  public String toString() {
    return "#Timer<" + Integer.toHexString(System.identityHashCode(this)) + ">";
  }
}
