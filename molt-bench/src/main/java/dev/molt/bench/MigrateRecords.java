package dev.molt.bench;

import dev.molt.code.CodeServer;
import dev.molt.code.Migration;
import dev.molt.code.ModuleSource;
import java.util.ArrayList;
import java.util.List;

/**
 * migrate_1m_records_ms: the default migration ({@code codeChange}'s) of a state holding 1,000,000
 * module records, {@code Entry(String key, long value)}, to a version whose record gained a
 * component ({@code @Default("0") int hits}): every record rebuilt. Timed around {@code
 * Migration.migrate} in one thread, as Erlang's side times its {@code code_change} function; 2
 * warm-up runs, then the median of 10. {@code -Drecords} sets the count. Prints {@code VALUE <ms>}.
 */
public final class MigrateRecords {
  private MigrateRecords() {}

  static final String V1 =
      """
      package bench.recs;
      import java.util.*;
      public final class Recs {
        public record Entry(String key, long value) {}
        public record State(List<Entry> entries) {}
        public static Object state(int n) {
          List<Entry> entries = new ArrayList<>(n);
          for (int i = 0; i < n; i++) { entries.add(new Entry(Integer.toString(i), i)); }
          return new State(entries);
        }
      }
      """;

  static final String V2 =
      """
      package bench.recs;
      import java.util.*;
      import dev.molt.code.Default;
      public final class Recs {
        public record Entry(String key, long value, @Default("0") int hits) {}
        public record State(List<Entry> entries) {}
        public static int size(Object state) { return ((State) state).entries().size() + ((State) state).entries().get(0).hits(); }
      }
      """;

  public static void main(String[] args) throws Exception {
    int records = Integer.getInteger("records", 1_000_000);
    CodeServer.load(ModuleSource.directory("recs", BenchModules.compile("recs1", List.of(V1))));
    Class<?> v1 = CodeServer.currentClass("bench.recs.Recs").orElseThrow();
    Object state = v1.getMethod("state", int.class).invoke(null, records);
    CodeServer.loadPurging(
        ModuleSource.directory("recs", BenchModules.compile("recs2", List.of(V2))));
    Class<?> v2 = CodeServer.currentClass("bench.recs.Recs").orElseThrow();
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      System.gc();
      long start = System.nanoTime();
      Object migrated = Migration.migrate(state, v2);
      long took = System.nanoTime() - start;
      if ((int) v2.getMethod("size", Object.class).invoke(null, migrated) != records) {
        throw new IllegalStateException("the migrated state lost records");
      }
      times.add(took / 1e6);
    }
    System.out.println("runs (ms): " + times);
    System.out.printf("VALUE %.1f%n", BenchModules.median(times.subList(2, times.size())));
    System.exit(0);
  }
}
