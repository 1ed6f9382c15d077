package dev.molt.console;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A warning that may come thousands of times a second (a flood of connections): logged at once the
 * first time, then at most once per interval, with the count of the ones left out since.
 */
final class RateLimitedLog {
  private final Consumer<String> log;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
  private final AtomicInteger suppressed = new AtomicInteger();

  /** {@code log} writes one line (a logger's {@code warn}). */
  RateLimitedLog(Consumer<String> log, long intervalNanos, LongSupplier clock) {
    this.log = log;
    this.intervalNanos = intervalNanos;
    this.clock = clock;
  }

  /** Logs {@code message} unless one was logged within the interval; true if it was. */
  boolean warn(String message) {
    long now = clock.getAsLong();
    long due = next.get();
    if ((due != Long.MIN_VALUE && now - due < 0) || !next.compareAndSet(due, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return false;
    }
    int left = suppressed.getAndSet(0);
    log.accept(left == 0 ? message : message + " (" + left + " more like it not logged)");
    return true;
  }
}
