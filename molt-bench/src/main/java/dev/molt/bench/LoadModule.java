package dev.molt.bench;

import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import dev.molt.code.Prepared;
import java.util.ArrayList;
import java.util.List;

/**
 * load_module_us: prepare plus finish of a 20-class module (read from its class directory, defined,
 * linked, switched in), as Erlang's {@code code:atomic_load} of 20 modules. 50 warm-up loads, then
 * the median of 200. Prints {@code VALUE <µs>}.
 */
public final class LoadModule {
  private LoadModule() {}

  public static void main(String[] args) throws Exception {
    List<String> sources = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      sources.add(BenchModules.twentyClasses(i));
    }
    ModuleSource source = ModuleSource.directory("twenty", BenchModules.compile("twenty", sources));
    List<Double> times = new ArrayList<>();
    for (int round = 0; round < 250; round++) {
      if (round > 0) {
        CodeServer.softPurge("twenty");
      }
      long start = System.nanoTime();
      Prepared prepared = CodeServer.prepare(List.of(source), false);
      CodeServer.finish(prepared);
      double us = (System.nanoTime() - start) / 1e3;
      if (round >= 50) {
        times.add(us);
      }
      if (!CodeServer.isLoaded("twenty")) {
        throw new IllegalStateException("not loaded");
      }
    }
    System.out.printf("VALUE %.1f%n", BenchModules.median(times));
    System.exit(0);
  }
}
