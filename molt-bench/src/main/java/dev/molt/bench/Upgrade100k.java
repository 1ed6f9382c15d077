package dev.molt.bench;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import java.nio.file.Path;
import java.util.List;

/**
 * upgrade_100k_processes_ms: load a new version of a module that 100,000 live GenServer processes
 * run, and migrate all of them: prepare and finish the load, then one message to each process,
 * which moves it to the new version with its state migrated; done when no process is left on the
 * old code. Prints {@code VALUE <ms>}, the median of 3 upgrades.
 */
public final class Upgrade100k {
  private Upgrade100k() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path classes = BenchModules.compile("worker", List.of(BenchModules.WORKER));
    ModuleSource source = ModuleSource.directory("worker", classes);
    CodeServer.load(source);
    Class<?> worker = CodeServer.currentClass("bench.worker.Worker").orElseThrow();
    Pid[] pids = new Pid[n];
    for (int i = 0; i < n; i++) {
      pids[i] = GenServer.start(CodeServer.newInstance(worker, GenServer.class), i);
    }
    List<Double> times = new java.util.ArrayList<>();
    for (int round = 0; round < 4; round++) {
      CodeServer.softPurge("worker");
      System.gc();
      long start = System.nanoTime();
      CodeServer.load(source);
      for (Pid pid : pids) {
        GenServer.cast(pid, "tick");
      }
      while (CodeServer.oldProcessCount("worker") > 0) {
        Thread.sleep(1);
      }
      double ms = (System.nanoTime() - start) / 1e6;
      System.out.printf("upgrade of %d processes: %.0f ms%n", n, ms);
      if (round > 0) {
        times.add(ms);
      }
    }
    if (GenServer.call(pids[n - 1], "seen").equals(4L) && CodeServer.failures().isEmpty()) {
      System.out.printf("VALUE %.1f%n", BenchModules.median(times));
    } else {
      System.out.println("state was not carried across the upgrades");
    }
    for (Pid pid : pids) {
      Process.exit(pid, ExitReason.kill());
    }
    System.exit(0);
  }
}
