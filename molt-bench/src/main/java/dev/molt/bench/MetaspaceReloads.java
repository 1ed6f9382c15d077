package dev.molt.bench;

import dev.molt.Pid;
import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;

/**
 * metaspace_growth_kb_per_1000_reloads: metaspace in use after a full GC, measured after 200
 * warm-up load/purge cycles of the KV module (one server runs it and moves to each new version),
 * then after 1,000 more, then after 1,000 more. Prints both growths and {@code VALUE <KB of growth
 * over the second 1,000>}: steady state, past the one-time growth of JIT and JDK caches that the
 * first thousand still includes.
 */
public final class MetaspaceReloads {
  private MetaspaceReloads() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Pid server = BenchModules.startKv(100);
    ModuleSource source = BenchModules.kvSource();
    cycles(source, server, 200);
    long start = metaspaceAfterGc();
    cycles(source, server, 1_000);
    long middle = metaspaceAfterGc();
    cycles(source, server, 1_000);
    long end = metaspaceAfterGc();
    System.out.printf(
        "metaspace %d KB -> %d KB -> %d KB (first 1,000: %+d KB, second: %+d KB); loaders still reachable: %d%n",
        start >> 10,
        middle >> 10,
        end >> 10,
        (middle - start) >> 10,
        (end - middle) >> 10,
        CodeServer.leaks().size());
    System.out.printf("VALUE %.1f%n", (end - middle) / 1024.0);
    System.exit(0);
  }

  private static void cycles(ModuleSource source, Pid server, int n) {
    for (int i = 0; i < n; i++) {
      CodeServer.loadPurging(source);
      GenServer.call(server, "1");
    }
  }

  private static long metaspaceAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getName().equals("Metaspace")) {
          used = Math.min(used, pool.getUsage().getUsed());
        }
      }
    }
    return used;
  }
}
