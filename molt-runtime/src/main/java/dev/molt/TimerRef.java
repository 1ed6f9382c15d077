package dev.molt;

import java.util.concurrent.ScheduledFuture;

/** A timer started by {@link Process#sendAfter}; pass it to {@link Process#cancelTimer}. */
public final class TimerRef {
  final ScheduledFuture<?> future;

  TimerRef(ScheduledFuture<?> future) {
    this.future = future;
  }

  @Override
  public String toString() {
    return "#Timer<" + Integer.toHexString(System.identityHashCode(this)) + ">";
  }
}
