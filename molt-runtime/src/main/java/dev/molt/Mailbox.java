package dev.molt;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A process's mailbox: many producers, one consumer (the process itself).
 *
 * <p>{@link #put} never blocks. The consumer parks when the queue is empty and announces it in
 * {@code parked}; a producer that sees the flag after its offer unparks it. Both sides write
 * their own variable and then read the other's (volatile on both sides), so one of them always
 * sees the other and no wake-up is lost.
 *
 * <p>Before parking, the consumer {@linkplain Spin spins} briefly: in a call, the next message
 * usually comes within a microsecond, sooner than a park and unpark would take.
 *
 * <p>Selective receive keeps the messages it passes over in {@code saved}, which only the
 * consumer touches. Messages in {@code saved} are older than any in the queue, so every receive
 * looks there first and the order between two messages of one sender is kept.
 */
final class Mailbox {
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  /** Made on the first selective receive that passes a message over: most processes never need it. */
  private ArrayDeque<Object> saved;
  private final ProcessCell owner;
  private volatile boolean parked;
  /** While set, only a message it accepts wakes the parked consumer (see {@link #takeOnly}). */
  private volatile Predicate<Object> wakeFor;

  Mailbox(ProcessCell owner) {
    this.owner = owner;
  }

  /** Adds a message; true if the consumer was parked and this woke it. */
  boolean put(Object message) {
    queue.offer(message);
    if (parked) {
      Predicate<Object> only = wakeFor;
      if (only != null && !only.test(message)) {
        return false;
      }
      parked = false;
      LockSupport.unpark(owner.thread);
      return true;
    }
    return false;
  }

  /** Any message, oldest first; null when {@code timeoutNanos} passed ({@code Long.MAX_VALUE}: wait forever). */
  Object take(long timeoutNanos) {
    if (saved != null && !saved.isEmpty()) {
      return saved.pollFirst();
    }
    Object message = queue.poll();
    if (message != null) {
      return message;
    }
    return await(null, timeoutNanos);
  }

  /** The oldest message that matches; the ones passed over stay, in order. */
  Object take(Predicate<Object> match, long timeoutNanos) {
    return take(match, timeoutNanos, true);
  }

  /** As {@link #take(Predicate, long)}; without {@code spin}, parks at once when nothing matches. */
  Object take(Predicate<Object> match, long timeoutNanos, boolean spin) {
    for (Iterator<Object> it = saved == null ? java.util.Collections.emptyIterator() : saved.iterator(); it.hasNext(); ) {
      Object message = it.next();
      if (match.test(message)) {
        it.remove();
        return message;
      }
    }
    return await(match, timeoutNanos, spin);
  }

  /** True while the consumer waits only for messages that {@link #takeOnly} accepts: a hint for senders not to spin for a reply. */
  boolean selective() {
    return wakeFor != null;
  }

  /**
   * The oldest message that {@code match} accepts, waiting without spinning; a message it does not
   * accept does not even wake this process. {@code match} also runs in the senders' threads, so it
   * must be cheap, side-effect free and thread-safe. For a suspended server, which must not be
   * woken by every call that reaches it.
   */
  Object takeOnly(Predicate<Object> match) {
    wakeFor = match;
    try {
      return take(match, Long.MAX_VALUE, false);
    } finally {
      wakeFor = null;
    }
  }

  private Object await(Predicate<Object> match, long timeoutNanos) {
    return await(match, timeoutNanos, true);
  }

  private Object await(Predicate<Object> match, long timeoutNanos, boolean spin) {
    long start = System.nanoTime();
    long deadline = timeoutNanos == Long.MAX_VALUE ? 0 : start + timeoutNanos;
    int budget = timeoutNanos == 0 || !spin ? 0 : owner.spinBudget;
    int spins = 0;
    while (true) {
      Object message = queue.poll();
      if (message != null) {
        if (match == null || match.test(message)) {
          if (timeoutNanos != 0 && spin) {
            owner.spinBudget = Spin.adapt(budget, System.nanoTime() - start);
          }
          return message;
        }
        if (saved == null) {
          saved = new ArrayDeque<>();
        }
        saved.addLast(message);
        continue;
      }
      owner.checkNotKilled();
      if (spins < budget) {
        spins++;
        Thread.onSpinWait();
        continue;
      }
      long wait = 0;
      if (timeoutNanos != Long.MAX_VALUE) {
        wait = deadline - System.nanoTime();
        if (wait <= 0) {
          if (spin) {
            owner.spinBudget = Spin.adapt(budget, Long.MAX_VALUE);
          }
          return null;
        }
      }
      parked = true;
      if (queue.isEmpty()) {
        if (timeoutNanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, wait);
        }
      }
      parked = false;
    }
  }

  /** Messages waiting, for diagnostics (a racy count when read from another process). */
  int size() {
    ArrayDeque<Object> passedOver = saved;
    return (passedOver == null ? 0 : passedOver.size()) + queue.size();
  }

  /** Wakes the consumer so that it notices it was killed. */
  void wake() {
    LockSupport.unpark(owner.thread);
  }
}
