package dev.molt.internal.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A process's mailbox: many producers, one consumer (the process itself).
 *
 * <p>A message that finds the mailbox empty goes into a one-message slot, which the consumer reads
 * before the queue; any other goes into the queue. In a call loop, one message at a time, a message
 * then costs one swap of a field and never touches the queue's nodes, which the sender and the
 * consumer would otherwise pass between their cores (docs/adr/0009). A sender uses the slot only
 * while the queue is empty: its earlier messages are then all taken, and the slot's message is
 * older than any in the queue. The consumer, for its part, reads the slot again after it found a
 * message in the queue, since a sender may have filled the slot and queued behind it meanwhile.
 *
 * <p>{@link #put} never blocks. The consumer parks when the mailbox is empty and announces it in
 * {@code parked}; a producer that sees the flag after its offer unparks it. Both sides write their
 * own variable and then read the other's (volatile on both sides), so one of them always sees the
 * other and no wake-up is lost.
 *
 * <p>Before parking, the consumer {@linkplain Spin spins} briefly: in a call, the next message
 * usually comes within a microsecond, sooner than a park and unpark would take.
 *
 * <p>Selective receive keeps the messages it passes over in {@code saved}, which only the consumer
 * touches. Messages in {@code saved} are older than any in the queue, so every receive looks there
 * first and the order between two messages of one sender is kept.
 *
 * <p>A server waiting between messages can be <em>held</em> by another thread ({@link #tryHold}),
 * which then runs a system request on its behalf without waking it: for a batch of system requests
 * to many idle servers (the server package's {@code HeldDispatch}), where waking each would cost
 * far more than the request. The owner never leaves {@link #await} while held, and on its next
 * wake-up after a hold it returns {@link #RECHECK} so that its loop looks again at whether it is
 * suspended. The hold and the owner's wake-up use the same two-flag handshake as parking.
 */
public final class Mailbox {
  /**
   * Returned by a wait between messages after a hold changed the server: look at its mode again.
   */
  public static final Object RECHECK = new Object();

  private static final VarHandle HELD;
  private static final VarHandle SLOT;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HELD = lookup.findVarHandle(Mailbox.class, "held", boolean.class);
      SLOT = lookup.findVarHandle(Mailbox.class, "slot", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();

  /**
   * The next message, when it came to an empty mailbox: a sender fills it only while it and the
   * queue are empty, so it is older than anything in the queue, and a call and its reply, one
   * message at a time, never touch the queue's nodes. Emptied by the consumer only.
   */
  private volatile Object slot;

  /** The oldest message of the queue and the slot; consumer only. */
  private Object poll() {
    Object message = slot;
    if (message == null) {
      Object first = queue.peek();
      if (first == null) {
        return null;
      }
      // The slot may have been filled since it was read, and first queued behind it: read it
      // again. A message there now was put by a sender that saw the queue empty, so before first
      // was queued: it is older than first, or from another sender and concurrent with it.
      // (Without this look, one sender's two messages could come swapped.)
      message = slot;
      if (message == null) {
        return queue.poll(); // first: only this consumer takes from the queue
      }
    }
    // no fence: a sender that still sees the message goes to the queue, and the owner's park
    // publishes everything before it (parked is volatile)
    SLOT.setRelease(this, null);
    return message;
  }

  private boolean empty() {
    return slot == null && queue.isEmpty();
  }

  /**
   * Made on the first selective receive that passes a message over: most processes never need it.
   */
  private ArrayDeque<Object> saved;

  private final ProcessCell owner;
  private volatile boolean parked;

  /** While set, only a message it accepts wakes the parked consumer (see {@link #takeOnly}). */
  private volatile Predicate<Object> wakeFor;

  /**
   * Whether the owner's last park was a wait for its next message in its server loop, set before
   * {@code parked}: a hold needs both. Written only when it parks, never per message.
   */
  private boolean betweenMessages;

  private volatile boolean held;

  /** The owner woke while held and waits for the release. */
  private volatile boolean holdWaiter;

  /** A hold changed the server: its next wake-up returns {@link #RECHECK}. */
  private volatile boolean recheck;

  Mailbox(ProcessCell owner) {
    this.owner = owner;
  }

  /** Adds a message; true if the consumer was parked and this woke it. */
  public boolean put(Object message) {
    if (!queue.isEmpty() || !SLOT.compareAndSet(this, null, message)) {
      queue.offer(message);
    }
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

  /**
   * Any message, oldest first; null when {@code timeoutNanos} passed ({@code Long.MAX_VALUE}: wait
   * forever).
   */
  public Object take(long timeoutNanos) {
    if (saved != null && !saved.isEmpty()) {
      return saved.pollFirst();
    }
    Object message = poll();
    if (message != null) {
      return message;
    }
    return await(null, timeoutNanos, true, false);
  }

  /** The oldest message that matches; the ones passed over stay, in order. */
  public Object take(Predicate<Object> match, long timeoutNanos) {
    return take(match, timeoutNanos, true);
  }

  /**
   * As {@link #take(Predicate, long)}; without {@code spin}, parks at once when nothing matches.
   */
  public Object take(Predicate<Object> match, long timeoutNanos, boolean spin) {
    return take(match, timeoutNanos, spin, false);
  }

  private Object take(
      Predicate<Object> match, long timeoutNanos, boolean spin, boolean betweenMessages) {
    for (Iterator<Object> it =
            saved == null ? java.util.Collections.emptyIterator() : saved.iterator();
        it.hasNext(); ) {
      Object message = it.next();
      if (match.test(message)) {
        it.remove();
        return message;
      }
    }
    return await(match, timeoutNanos, spin, betweenMessages);
  }

  /**
   * True while the consumer waits only for messages that {@link #takeOnly} accepts: a hint for
   * senders not to spin for a reply.
   */
  public boolean selective() {
    return wakeFor != null;
  }

  /**
   * The oldest message that {@code match} accepts, waiting without spinning; a message it does not
   * accept does not even wake this process. {@code match} also runs in the senders' threads, so it
   * must be cheap, side-effect free and thread-safe. For a suspended server, which must not be
   * woken by every call that reaches it.
   */
  public Object takeOnly(Predicate<Object> match) {
    wakeFor = match;
    try {
      return take(match, Long.MAX_VALUE, false);
    } finally {
      wakeFor = null;
    }
  }

  /**
   * The next message for a server's loop: any message, or with {@code only} the oldest it accepts,
   * waiting without spinning and woken by nothing else ({@link #takeOnly}). While it waits, the
   * server may be {@linkplain #tryHold held}; it then returns {@link #RECHECK}.
   */
  public Object takeBetweenMessages(Predicate<Object> only) {
    if (only != null) {
      wakeFor = only;
      try {
        return take(only, Long.MAX_VALUE, false, true);
      } finally {
        wakeFor = null;
      }
    }
    return takeBetweenMessages(Long.MAX_VALUE);
  }

  /**
   * As {@link #takeBetweenMessages(Predicate)} with no filter, waiting at most {@code
   * timeoutNanos}: null when none came.
   */
  public Object takeBetweenMessages(long timeoutNanos) {
    if (saved != null && !saved.isEmpty()) {
      return saved.pollFirst();
    }
    Object message = poll();
    return message != null ? message : await(null, timeoutNanos, true, true);
  }

  /** Gives back the space of passed-over messages when there are none (a hibernating server). */
  public void trim() {
    if (saved != null && saved.isEmpty()) {
      saved = null;
    }
  }

  /**
   * Whether the owner is parked waiting for its next message in its server loop: what {@link
   * #tryHold} needs.
   */
  public boolean idle() {
    return parked && betweenMessages;
  }

  /**
   * Holds the owner if it is parked between messages and alive: until {@link #release} it stays
   * parked, or if woken waits for the release without touching anything, so the caller may act on
   * its server's state. False, and nothing changed, when it is running or not between messages.
   */
  public boolean tryHold() {
    if (!idle() || !HELD.compareAndSet(this, false, true)) {
      return false;
    }
    // The owner writes parked=false before it reads held, this thread the other way round: if
    // parked still reads true, the owner will see the hold before it goes on.
    if (idle() && owner.isAlive()) {
      return true;
    }
    held = false;
    if (holdWaiter) {
      LockSupport.unpark(owner.thread);
    }
    return false;
  }

  /**
   * Ends a hold: the owner's next wake-up returns {@link #RECHECK}, and until it looks again only a
   * message that {@code wakeFor} accepts wakes it (null: any). Wakes it now if it has messages to
   * handle in that mode, or if it woke during the hold.
   */
  public void release(Predicate<Object> wakeFor) {
    if (this.wakeFor != wakeFor) {
      this.wakeFor = wakeFor; // stored only when it changes: a store costs the GC a card
    }
    recheck = true;
    boolean work = wakeFor == null && (!empty() || (saved != null && !saved.isEmpty()));
    held = false;
    if (holdWaiter || work) {
      LockSupport.unpark(owner.thread);
    }
  }

  /**
   * Makes the owner look again at its mode, as after a hold: its next wait between messages returns
   * {@link #RECHECK}, now if it is parked in one. For a change made to its server from outside
   * without holding it (a lifted suspension).
   */
  public void recheck() {
    recheck = true;
    LockSupport.unpark(owner.thread);
  }

  private void awaitRelease() {
    holdWaiter = true;
    try {
      while (held) {
        // killed while held (its code change hung): it ends now, without waiting for the hold
        owner.checkNotKilled();
        LockSupport.park(this);
      }
    } finally {
      holdWaiter = false;
    }
  }

  private Object await(
      Predicate<Object> match, long timeoutNanos, boolean spin, boolean betweenMessages) {
    // the clock is read only when the spin ends without a message (Spin.clockAtOnce)
    boolean clocked = Spin.clockAtOnce(timeoutNanos);
    long start = clocked ? System.nanoTime() : 0;
    int budget = timeoutNanos == 0 || !spin ? 0 : owner.spinBudget;
    int spins = 0;
    int yields = 0;
    while (true) {
      Object message = poll();
      if (message != null) {
        if (match == null || match.test(message)) {
          if (timeoutNanos != 0 && spin) {
            Spin.adapted(owner, budget, clocked ? System.nanoTime() - start : 0);
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
      int next = Spin.next(spins, budget, yields, timeoutNanos == 0 || !spin ? null : owner.peer);
      if (next == Spin.SPIN) {
        spins++;
        Thread.onSpinWait();
        continue;
      }
      if (!clocked) {
        clocked = true;
        start = Spin.startOf(spins);
      }
      if (next == Spin.YIELD) {
        yields++;
        Spin.yieldTo(owner);
        continue;
      }
      long wait = 0;
      if (timeoutNanos != Long.MAX_VALUE) {
        wait = start + timeoutNanos - System.nanoTime();
        if (wait <= 0) {
          if (spin) {
            Spin.adapted(owner, budget, Long.MAX_VALUE);
          }
          return null;
        }
      }
      if (this.betweenMessages != betweenMessages) {
        this.betweenMessages = betweenMessages; // only when it parks: senders read this line
      }
      parked = true;
      if (empty()) {
        Spin.parking(owner);
        if (timeoutNanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, wait);
        }
        Spin.unparked(owner);
      }
      parked = false;
      if (held) {
        awaitRelease();
      }
      // only the server's loop, between messages, looks again; a receive inside a callback
      // leaves the flag for it
      if (recheck && betweenMessages) {
        recheck = false;
        return RECHECK;
      }
    }
  }

  /**
   * Every message waiting, oldest first, for a code change that migrates them: the queue is moved
   * into the passed-over messages, which only the owner (or the thread that holds it) touches.
   * Messages that arrive after this are the next ones in line.
   */
  public Object[] waiting() {
    Object message;
    while ((message = poll()) != null) {
      if (saved == null) {
        saved = new ArrayDeque<>();
      }
      saved.addLast(message);
    }
    return saved == null || saved.isEmpty() ? NOTHING : saved.toArray();
  }

  private static final Object[] NOTHING = {};

  /**
   * Replaces waiting messages (those {@link #waiting} returned) by identity: each key of {@code
   * replacements} still waiting becomes its value, or is dropped if the value is null. Owner only.
   */
  public void replaceWaiting(java.util.IdentityHashMap<Object, Object> replacements) {
    if (saved == null || replacements.isEmpty()) {
      return;
    }
    ArrayDeque<Object> next = new ArrayDeque<>(saved.size());
    for (Object message : saved) {
      if (!replacements.containsKey(message)) {
        next.addLast(message);
      } else if (replacements.get(message) != null) {
        next.addLast(replacements.get(message));
      }
    }
    saved = next;
  }

  /** Messages waiting, for diagnostics (a racy count when read from another process). */
  public int size() {
    ArrayDeque<Object> passedOver = saved;
    return (passedOver == null ? 0 : passedOver.size()) + queue.size() + (slot == null ? 0 : 1);
  }

  /** Wakes the consumer so that it notices it was killed. */
  public void wake() {
    LockSupport.unpark(owner.thread);
  }
}
