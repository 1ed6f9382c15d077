package dev.molt.internal.process;

import java.time.Duration;
import java.util.Objects;

/** Converts timeouts; {@code Long.MAX_VALUE} nanoseconds means wait forever. */
public final class Timeouts {
  public static final Duration DEFAULT = Duration.ofSeconds(5);

  private Timeouts() {}

  public static long nanos(Duration timeout) {
    Objects.requireNonNull(
        timeout, "timeout must not be null; use Process.INFINITY to wait forever");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
