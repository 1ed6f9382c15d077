package dev.molt.bench;

import dev.molt.CodeServer;
import dev.molt.GenServer;
import dev.molt.ModuleSource;
import dev.molt.Pid;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;
import java.util.List;

/**
 * metaspace_growth_kb_per_1000_reloads: metaspace in use after a full GC, before and after 1,000
 * load/purge cycles of the KV module while one server runs it and moves to each new version.
 * 200 cycles warm up first. Prints {@code VALUE <KB of growth>}.
 */
public final class MetaspaceReloads {
  private MetaspaceReloads() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Path classes = BenchModules.compile("kv", List.of(BenchModules.KV));
    ModuleSource source = ModuleSource.directory("kv", classes);
    CodeServer.load(source);
    Pid server = GenServer.start(CodeServer.newInstance(CodeServer.currentClass("bench.kv.Kv").orElseThrow(), GenServer.class), 100);
    cycles(source, server, 200);
    long before = metaspaceAfterGc();
    cycles(source, server, 1_000);
    long after = metaspaceAfterGc();
    System.out.printf("metaspace before %d KB, after %d KB, loaders still reachable: %d%n", before >> 10, after >> 10,
        CodeServer.leaks().size());
    System.out.printf("VALUE %.1f%n", (after - before) / 1024.0);
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
