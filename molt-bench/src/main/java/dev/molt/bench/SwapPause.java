package dev.molt.bench;

import dev.molt.CodeServer;
import dev.molt.ExitReason;
import dev.molt.GenServer;
import dev.molt.ModuleSource;
import dev.molt.Pid;
import dev.molt.Prepared;
import dev.molt.Process;
import dev.molt.Sys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * swap_pause_us: the pause of the KV server (10,000 keys) from suspend to resume while 4 client
 * processes call it without pause, with the new version prepared (read, defined, linked)
 * beforehand: suspend, finish the load, changeCode, resume — Erlang's suspend, load_binary,
 * change_code, resume. Measured by a controlling process; 50 warm-up swaps, then the median of
 * 200. Prints {@code VALUE <median µs>} and the maximum.
 */
public final class SwapPause {
  private SwapPause() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Pid server = BenchModules.startKv(Integer.getInteger("keys", 10_000));
    ModuleSource source = BenchModules.kvSource();
    AtomicBoolean stop = new AtomicBoolean();
    List<Pid> clients = new ArrayList<>();
    for (int c = 0; c < Integer.getInteger("clients", 4); c++) {
      int offset = c * 2_500;
      clients.add(Process.spawn(() -> {
        int i = offset;
        while (!stop.get()) {
          GenServer.call(server, Integer.toString(i));
          i = (i + 1) % 10_000;
        }
      }));
    }
    CompletableFuture<List<Double>> result = new CompletableFuture<>();
    @SuppressWarnings("unchecked")
    List<Double>[] steps = new List[] {new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()};
    Process.spawn(() -> {
      List<Double> pauses = new ArrayList<>();
      for (int round = 0; round < 250; round++) {
        CodeServer.softPurge("kv");
        int from = Sys.getStatus(server).version();
        Prepared prepared = CodeServer.prepare(List.of(source), false);
        long start = System.nanoTime();
        Sys.suspend(server);
        long a = System.nanoTime();
        CodeServer.finish(prepared);
        long b = System.nanoTime();
        Sys.changeCode(server, "kv", from, null);
        long c = System.nanoTime();
        Sys.resume(server);
        long pause = System.nanoTime() - start;
        if (round >= 50) {
          steps[0].add((a - start) / 1e3);
          steps[1].add((b - a) / 1e3);
          steps[2].add((c - b) / 1e3);
          steps[3].add((start + pause - c) / 1e3);
        }
        if (round >= 50) {
          pauses.add(pause / 1_000.0);
        }
      }
      result.complete(pauses);
    });
    List<Double> pauses = result.get();
    stop.set(true);
    clients.forEach(pid -> Process.exit(pid, ExitReason.kill()));
    System.out.printf("swaps %d, max %.1f us; medians: suspend %.1f, finish %.1f, changeCode %.1f, resume %.1f us%n",
        pauses.size(), pauses.stream().mapToDouble(d -> d).max().orElse(0), BenchModules.median(steps[0]),
        BenchModules.median(steps[1]), BenchModules.median(steps[2]), BenchModules.median(steps[3]));
    System.out.printf("VALUE %.1f%n", BenchModules.median(pauses));
    System.exit(0);
  }
}
