package dev.molt.internal.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long a process spins for a message or a reply before it parks its virtual thread.
 *
 * <p>A call answered within the spin costs no park and no unpark on either side, which is most of a
 * call's cost: both sides stay on their carriers and a round trip takes well under a microsecond.
 * But a process that spins for messages that do not come burns a core that other processes need. So
 * the budget adapts per process: a wait that ended soon after it began (within {@link
 * #WORTHWHILE_NANOS}, whether during the spin or just after the park) doubles the budget up to
 * {@link #LIMIT}; a long wait halves it. A server in a call loop soon spins; an idle process soon
 * does not, and a new one starts at zero.
 *
 * <p>A wait spins only while the process it waits for (its <em>peer</em>: the server of a call, the
 * caller a server last answered) is on a carrier. One that is not is most likely queued on this
 * very carrier, where the JDK puts a virtual thread that this one woke: spinning would only keep it
 * off, for as long as the other carrier takes to steal it, which on a machine where another process
 * takes a core is the spin's whole length at every call. So the wait yields its carrier to it
 * instead ({@link #YIELDS} times at most), and a call loop becomes a hand-off on one carrier with
 * no park, whatever the rest of the machine does (docs/adr/0009).
 *
 * <p>{@link #LIMIT} is set with the system property {@code molt.spin} (iterations of {@link
 * Thread#onSpinWait}, about 30 ns each on current x86; 0 turns spinning off).
 */
public final class Spin {
  public static final int LIMIT = Integer.getInteger("molt.spin", 1000);
  public static final long WORTHWHILE_NANOS = 50_000;

  /**
   * Whether a wait looks at its peer: spinning for a process that is not on a carrier only holds
   * the carrier it may be queued on ({@code -Dmolt.spin.peer=false} spins regardless).
   */
  public static final boolean PEER_AWARE =
      Boolean.parseBoolean(System.getProperty("molt.spin.peer", "true"));

  /**
   * How many times a wait yields its carrier to a peer that is not running before it parks: the JDK
   * queues a woken virtual thread on the carrier of the thread that woke it, so the peer usually
   * runs at the first yield.
   */
  public static final int YIELDS = Integer.getInteger("molt.spin.yields", 8);

  /** The budget of a thread that is not a process, which has no history to adapt to. */
  public static final int FOREIGN = Math.min(LIMIT, 200);

  private Spin() {}

  /**
   * What a waiting process does next, given how often it spun and yielded: {@code SPIN}, {@code
   * YIELD} or {@code PARK}. It spins while {@code peer} (the process it waits for, or null if
   * unknown) is running, yields to it a few times while it is not, and parks after that.
   */
  public static int next(int spins, int budget, int yields, ProcessCell peer) {
    if (PEER_AWARE && peer != null && (!peer.running || WAITING.get() > 0)) {
      return yields < YIELDS ? YIELD : PARK;
    }
    return spins < budget ? SPIN : PARK;
  }

  /**
   * Yields the carrier of {@code self}'s virtual thread, marked as not running and counted as
   * waiting for a carrier meanwhile: a peer that waits for it yields in turn instead of spinning.
   */
  @SuppressWarnings("ThreadPriorityCheck") // a hand-off to a process queued on this carrier
  public static void yieldTo(ProcessCell self) {
    self.running = false;
    WAITING.incrementAndGet();
    Thread.yield();
    WAITING.decrementAndGet();
    self.running = true;
    resumed(self);
  }

  /**
   * Waits shorter than this read the clock when they begin; longer ones only when their spin ends
   * without what they wait for ({@link #startOf}). A call or a receive answered within its spin
   * reads no clock at all: two reads were about 60 ns of a call's ~1 µs round trip between two
   * carriers.
   */
  private static final long CLOCK_AT_ONCE_NANOS = 1_000_000;

  /** About how long one {@link Thread#onSpinWait} takes on current x86 (a PAUSE). */
  private static final long SPIN_NANOS = 30;

  /** Whether a wait of {@code timeoutNanos} reads the clock when it begins. */
  public static boolean clockAtOnce(long timeoutNanos) {
    return timeoutNanos < CLOCK_AT_ONCE_NANOS;
  }

  /**
   * When a wait that read no clock began, estimated when its spin ends after {@code spins}: its
   * deadline and its adaptation count from there. The estimate errs by at most the spin's length
   * (tens of microseconds), for waits of a millisecond or more.
   */
  public static long startOf(int spins) {
    return System.nanoTime() - spins * SPIN_NANOS;
  }

  public static final int SPIN = 0;
  public static final int YIELD = 1;
  public static final int PARK = 2;

  /**
   * Processes waiting for a carrier: callers woken from a park by their reply that have not run
   * since, and processes that yielded. While there is one, a wait does not spin, since that process
   * may be queued behind the spinner (a server and one client answering each other within their
   * spins would keep the other clients off both carriers for milliseconds).
   */
  private static final AtomicInteger WAITING = new AtomicInteger();

  private static final VarHandle WOKEN_PENDING;

  static {
    try {
      WOKEN_PENDING =
          MethodHandles.lookup().findVarHandle(ProcessCell.class, "wokenPending", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Called by the thread that unparks {@code process} from a wait, before the unpark. */
  public static void woke(ProcessCell process) {
    if (WOKEN_PENDING.compareAndSet(process, false, true)) {
      WAITING.incrementAndGet();
    }
  }

  /**
   * Marks {@code self} (null: not a process) as parked in a wait, just before the park. Its peer is
   * forgotten: the next call sets it again, and an idle server keeps no other process (and what
   * that one's mailbox holds) reachable.
   */
  public static void parking(ProcessCell self) {
    if (self != null) {
      self.peer = null;
      self.running = false;
      self.parkedInWait = true;
    }
  }

  /** Marks {@code self} (null: not a process) as running again after a park. */
  public static void unparked(ProcessCell self) {
    if (self != null) {
      self.parkedInWait = false;
      self.running = true;
      resumed(self);
    }
  }

  /** Called by a process when it runs again after a park or a yield. */
  public static void resumed(ProcessCell self) {
    if (self.wokenPending && WOKEN_PENDING.compareAndSet(self, true, false)) {
      WAITING.decrementAndGet();
    }
  }

  /**
   * Sets {@code self}'s budget after a wait of {@code waitedNanos} that began with {@code budget},
   * writing it only when it changes: a process's peer spins reading the same cache line.
   */
  public static void adapted(ProcessCell self, int budget, long waitedNanos) {
    int next = adapt(budget, waitedNanos);
    if (next != budget) {
      self.spinBudget = next;
    }
  }

  /** The budget after a wait of {@code waitedNanos}. */
  public static int adapt(int budget, long waitedNanos) {
    if (waitedNanos < WORTHWHILE_NANOS) {
      return Math.min(LIMIT, budget * 2 + 16);
    }
    return budget / 2;
  }
}
