package dev.molt.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.Process;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apiguardian.api.API;

/**
 * Calls made in the background by client processes without pause, counted: what an upgrade test
 * runs while it upgrades, to show that no call failed. A call fails when it throws; it is wrong
 * when it returns something {@code expected} refuses. Latencies are recorded with HdrHistogram.
 *
 * <pre>{@code
 * try (Load load = Load.start(() -> node.invoke(KV, "get", "a"), 42)) {
 *   node.upgrade("1.1.0");
 *   load.awaitCalls(1_000);
 *   load.stop().assertClean();
 * }
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Load implements AutoCloseable {
  private static final int KEPT_FAILURES = 10;

  /** What a load counted. Latencies are in microseconds. */
  public record Report(
      long calls,
      long failed,
      long wrong,
      double p50Micros,
      double p99Micros,
      double maxMicros,
      List<String> firstFailures) {
    /** Throws an {@link AssertionError} if a call failed or was wrong, or none was made. */
    public Report assertClean() {
      if (calls == 0) {
        throw new AssertionError("the load made no call");
      }
      if (failed > 0 || wrong > 0) {
        throw new AssertionError(
            failed
                + " failed and "
                + wrong
                + " wrong of "
                + calls
                + " calls; the first:\n  "
                + String.join("\n  ", firstFailures));
      }
      return this;
    }

    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "%d calls, %d failed, %d wrong; p50 %.1f us, p99 %.1f us, max %.1f us",
          calls,
          failed,
          wrong,
          p50Micros,
          p99Micros,
          maxMicros);
    }
  }

  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong wrong = new AtomicLong();
  private final AtomicInteger kept = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final Recorder latencies = new Recorder(3);
  private final Histogram all = new Histogram(3);
  private final CountDownLatch left;
  private Report report;

  private Load(int clients) {
    this.left = new CountDownLatch(clients);
  }

  /**
   * One client calling {@code call} without pause, each answer expected to equal {@code expected}.
   */
  public static Load start(Callable<?> call, Object expected) {
    return start(1, call, answer -> Objects.equals(answer, expected));
  }

  /**
   * {@code clients} client processes calling {@code call} without pause; an answer {@code expected}
   * refuses counts as wrong.
   */
  public static Load start(int clients, Callable<?> call, Predicate<Object> expected) {
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be at least 1, not " + clients);
    }
    Load load = new Load(clients);
    for (int i = 0; i < clients; i++) {
      Process.spawn(() -> load.client(call, expected));
    }
    return load;
  }

  private void client(Callable<?> call, Predicate<Object> expected) {
    try {
      while (!stop.get()) {
        long start = System.nanoTime();
        try {
          Object answer = call.call();
          if (!expected.test(answer)) {
            wrong.incrementAndGet();
            keep("wrong answer: " + answer);
          }
        } catch (Exception e) {
          failed.incrementAndGet();
          keep(e.toString());
        }
        latencies.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
        calls.incrementAndGet();
      }
    } finally {
      left.countDown();
    }
  }

  private void keep(String failure) {
    if (kept.incrementAndGet() <= KEPT_FAILURES) {
      failures.add("call " + (calls.get() + 1) + ": " + failure);
    }
  }

  /** Calls made so far. */
  public long calls() {
    return calls.get();
  }

  /** Waits until {@code more} calls have been made from now on (at most 60 s). */
  public Load awaitCalls(long more) {
    long target = calls.get() + more;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (calls.get() < target) {
      if (System.nanoTime() > deadline || left.getCount() == 0) {
        throw new AssertionError(
            "the load made " + (calls.get() - target + more) + " of " + more + " calls in 60 s");
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return this;
  }

  /**
   * Stops the clients, each after the call it is in, and returns what they counted. Stopping again
   * returns the same report.
   */
  public synchronized Report stop() {
    if (report != null) {
      return report;
    }
    stop.set(true);
    try {
      if (!left.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError(left.getCount() + " load clients are still in a call after 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    latencies.getIntervalHistogramInto(all);
    report =
        new Report(
            calls.get(),
            failed.get(),
            wrong.get(),
            all.getValueAtPercentile(50),
            all.getValueAtPercentile(99),
            all.getMaxValue(),
            List.copyOf(failures));
    return report;
  }

  /** {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }
}
