package dev.molt.bench;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;

/**
 * call_p99_us and call_p999_us: the latency of {@code GenServer.call} against the KV server of
 * 100,000 keys while {@code clients} processes (4) call it without pause, as Erlang's side does.
 * Each client times every call with {@code System.nanoTime} into its own HdrHistogram (3
 * significant digits, up to 10 s) after {@code -Dwarmup} seconds (3), for {@code -Dseconds} (5);
 * the histograms are added up.
 *
 * <p>Prints the count, the median, p99, p99.9 and max in µs, and {@code VALUE <percentile in µs>}
 * for the percentile given as the second argument (99 or 99.9).
 */
public final class CallLatency {
  private CallLatency() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    double percentile = args.length > 1 ? Double.parseDouble(args[1]) : 99.0;
    long warmupNanos = Long.getLong("warmup", 3) * 1_000_000_000L;
    long measureNanos = Long.getLong("seconds", 5) * 1_000_000_000L;
    Pid server = GenServer.start(new KvServer(), null);
    List<CompletableFuture<Histogram>> results = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int offset = c * 7919;
      CompletableFuture<Histogram> result = new CompletableFuture<>();
      results.add(result);
      Process.spawn(
          () -> {
            Histogram histogram = new Histogram(10_000_000_000L, 3);
            int i = offset;
            long measureFrom = start + warmupNanos;
            long end = measureFrom + measureNanos;
            long now = System.nanoTime();
            while (now < end) {
              GenServer.call(server, KvServer.KEY_NAMES[i]);
              long after = System.nanoTime();
              if (now >= measureFrom) {
                histogram.recordValue(after - now);
              }
              now = after;
              i = i + 1 == KvServer.KEYS ? 0 : i + 1;
            }
            result.complete(histogram);
          });
    }
    Histogram all = new Histogram(10_000_000_000L, 3);
    for (CompletableFuture<Histogram> result : results) {
      all.add(result.get());
    }
    System.out.printf(
        "calls %d, median %.1f, p99 %.1f, p99.9 %.1f, max %.1f us%n",
        all.getTotalCount(),
        all.getValueAtPercentile(50) / 1000.0,
        all.getValueAtPercentile(99) / 1000.0,
        all.getValueAtPercentile(99.9) / 1000.0,
        all.getMaxValue() / 1000.0);
    System.out.printf("VALUE %.1f%n", all.getValueAtPercentile(percentile) / 1000.0);
    System.exit(0);
  }
}
