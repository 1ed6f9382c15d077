package dev.molt.bench;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.CountDownLatch;

/**
 * Heap bytes per idle process: spawns N processes that each wait in {@code receive}, and divides
 * the growth of the heap in use after a full GC by N. A parked virtual thread keeps its stack on
 * the heap, so this counts the thread, its stack, the mailbox and the process record.
 *
 * <p>Prints {@code VALUE <bytes per process>}. Run with {@code -Xmx} large enough for N.
 */
public final class IdleProcesses {
  private IdleProcesses() {}

  public static void main(String[] args) throws InterruptedException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    // warm up the paths that allocate once (class loading, the scheduler's pool)
    spawnAndKill(10_000);
    long before = usedAfterGc(memory);
    Pid[] pids = new Pid[n];
    CountDownLatch waiting = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      pids[i] =
          Process.spawn(
              () -> {
                waiting.countDown();
                Process.receive();
              });
    }
    waiting.await();
    // let every process reach its park
    while (parkedFewerThan(pids)) {
      Thread.sleep(50);
    }
    long after = usedAfterGc(memory);
    System.out.printf(
        "processes %d, heap before %d MB, after %d MB%n", n, before >> 20, after >> 20);
    System.out.printf("VALUE %.0f%n", (after - before) / (double) n);
    for (Pid pid : pids) {
      Process.exit(pid, ExitReason.kill());
    }
    System.exit(0);
  }

  private static boolean parkedFewerThan(Pid[] pids) {
    return Process.processes().size() < pids.length;
  }

  private static void spawnAndKill(int n) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(n);
    Pid[] pids = new Pid[n];
    for (int i = 0; i < n; i++) {
      pids[i] =
          Process.spawn(
              () -> {
                started.countDown();
                Process.receive();
              });
    }
    started.await();
    for (Pid pid : pids) {
      Process.exit(pid, ExitReason.kill());
    }
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
