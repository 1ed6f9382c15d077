package dev.molt.bench;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import dev.molt.code.Prepared;
import dev.molt.sys.Sys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * swap_pause_us: the pause of the KV server from suspend to resume while 4 client processes call it
 * without pause, with the new version prepared (read, defined, linked) beforehand: suspend, finish
 * the load, changeCode, resume — Erlang's suspend, load_binary, change_code, resume. Measured by a
 * controlling process; {@code -Dwarmup} swaps (1,000), then the median of 200.
 *
 * <p>Preparing keeps one of the carriers busy for a millisecond or two; the controller then reads
 * the server's version with {@code Sys.getStatus} before it starts the clock, so that the figure is
 * the swap and not the scheduler settling after the preparation ({@code -Dsettle=false} leaves the
 * read before the preparation, as a user who does not care might).
 *
 * <p>{@code -Dkeys} sets the state's size (1, the talk's KV; 10,000 for swap_pause_10k_keys_us) and
 * {@code -Dclients} the callers (4); {@code -Dtyped=true} declares the state's map {@code
 * Map<String, Integer>} instead of {@code Map<String, Object>}. Prints the median of the first 20
 * swaps (cold JIT), the median of each step, and {@code VALUE <median µs>}.
 */
public final class SwapPause {
  private SwapPause() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    int keys = Integer.getInteger("keys", 1);
    int warmup = Integer.getInteger("warmup", 1_000);
    boolean settle = Boolean.parseBoolean(System.getProperty("settle", "true"));
    Pid server = BenchModules.startKv(keys, Boolean.getBoolean("typed"));
    ModuleSource source = BenchModules.kvSource();
    AtomicBoolean stop = new AtomicBoolean();
    List<Pid> clients = new ArrayList<>();
    for (int c = 0; c < Integer.getInteger("clients", 4); c++) {
      int offset = c * 2_500;
      clients.add(
          Process.spawn(
              () -> {
                int i = offset % keys;
                while (!stop.get()) {
                  GenServer.call(server, Integer.toString(i));
                  i = (i + 1) % keys;
                }
              }));
    }
    CompletableFuture<List<Double>> result = new CompletableFuture<>();
    @SuppressWarnings("unchecked")
    List<Double>[] steps =
        new List[] {new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()};
    Process.spawn(
        () -> {
          List<Double> pauses = new ArrayList<>();
          List<Double> cold = new ArrayList<>();
          for (int round = 0; round < warmup + 200; round++) {
            CodeServer.softPurge("kv");
            int from = settle ? 0 : Sys.getStatus(server).version();
            Prepared prepared = CodeServer.prepare(List.of(source), false);
            if (settle) {
              from = Sys.getStatus(server).version();
            }
            long start = System.nanoTime();
            Sys.suspend(server);
            long a = System.nanoTime();
            CodeServer.finish(prepared);
            long b = System.nanoTime();
            Sys.changeCode(server, "kv", from, null);
            long c = System.nanoTime();
            Sys.resume(server);
            long pause = System.nanoTime() - start;
            if (round < 20) {
              cold.add(pause / 1_000.0);
            }
            if (round >= warmup) {
              steps[0].add((a - start) / 1e3);
              steps[1].add((b - a) / 1e3);
              steps[2].add((c - b) / 1e3);
              steps[3].add((start + pause - c) / 1e3);
            }
            if (round >= warmup) {
              pauses.add(pause / 1_000.0);
            }
          }
          System.out.printf("first 20 swaps (cold): median %.1f us%n", BenchModules.median(cold));
          result.complete(pauses);
        });
    List<Double> pauses = result.get();
    stop.set(true);
    clients.forEach(pid -> Process.exit(pid, ExitReason.kill()));
    System.out.printf(
        "swaps %d, max %.1f us; medians: suspend %.1f, finish %.1f, changeCode %.1f, resume %.1f us%n",
        pauses.size(),
        pauses.stream().mapToDouble(d -> d).max().orElse(0),
        BenchModules.median(steps[0]),
        BenchModules.median(steps[1]),
        BenchModules.median(steps[2]),
        BenchModules.median(steps[3]));
    System.out.printf("VALUE %.1f%n", BenchModules.median(pauses));
    System.exit(0);
  }
}
