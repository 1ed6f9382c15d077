package dev.molt.internal.process;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pending {@code sendAfter}: where it goes and what it sends. The message can be replaced while
 * the timer is pending, as a code change does when it migrates what will reach its process.
 *
 * <p>A timer fires or is cancelled, never both: whichever of the two wins the state change from
 * {@code PENDING} decides, so a cancel that returns true guarantees the message was not sent.
 */
public final class Timer {
  static final int PENDING = 0;
  static final int FIRED = 1;
  static final int CANCELLED = 2;

  final AtomicInteger state = new AtomicInteger(PENDING);
  volatile ScheduledFuture<?> future;

  /** The process it goes to, or null when it goes to whoever holds {@link #name}. */
  final ProcessCell target;

  final String name;

  /** What it sends; replaced by its migration when its process changes code. */
  public volatile Object message;

  Timer(ProcessCell target, String name, Object message) {
    this.target = target;
    this.name = name;
    this.message = message;
  }

  /** Whether it has neither fired nor been cancelled. */
  public boolean pending() {
    return state.get() == PENDING;
  }

  @Override
  public String toString() {
    return "#Timer<" + Integer.toHexString(System.identityHashCode(this)) + ">";
  }
}
