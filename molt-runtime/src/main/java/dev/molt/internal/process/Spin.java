package dev.molt.internal.process;

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
 * <p>{@link #LIMIT} is set with the system property {@code molt.spin} (iterations of {@link
 * Thread#onSpinWait}, about 30 ns each on current x86; 0 turns spinning off).
 */
public final class Spin {
  public static final int LIMIT = Integer.getInteger("molt.spin", 1000);
  public static final long WORTHWHILE_NANOS = 50_000;

  /** The budget of a thread that is not a process, which has no history to adapt to. */
  public static final int FOREIGN = Math.min(LIMIT, 200);

  private Spin() {}

  /** The budget after a wait of {@code waitedNanos}. */
  public static int adapt(int budget, long waitedNanos) {
    if (waitedNanos < WORTHWHILE_NANOS) {
      return Math.min(LIMIT, budget * 2 + 16);
    }
    return budget / 2;
  }
}
