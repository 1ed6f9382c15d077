package dev.molt.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.testkit.LauncherNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak test, run with {@code -Psoak} only: 100 upgrade/downgrade cycles of the kv release under a
 * client process that lives through all of them (it was started by an {@code eval} on 1.0.0, so it
 * holds that version's classes). The classes loaded and the metaspace in use must stay flat from
 * the 10th cycle to the 100th: every version the client's calls were migrated to is collected once
 * purged.
 */
class KvSoakIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();

  @TempDir Path root;

  /** Loaded classes and metaspace in use (KB) after full GCs, as the node sees them. */
  private static long[] memory(LauncherNode node) throws Exception {
    // one expression: no variable of an earlier evaluation is involved (see the console's notes)
    String out =
        node.ok(
            "eval",
            """
            ((java.util.function.Supplier<String>) () -> {
              for (int i = 0; i < 4; i++) {
                System.gc();
                try { Thread.sleep(200); } catch (InterruptedException e) { return "interrupted"; }
              }
              long classes = java.lang.management.ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
              long metaspace = java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                  .filter(p -> p.getName().equals("Metaspace")).mapToLong(p -> p.getUsage().getUsed()).sum() / 1024;
              return classes + " " + metaspace;
            }).get()
            """);
    String[] lines = out.strip().split("\n");
    String[] last = lines[lines.length - 1].replace("\"", "").split(" ");
    return new long[] {Long.parseLong(last[0]), Long.parseLong(last[1])};
  }

  private static void cycles(LauncherNode node, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      assertThat(node.ok("upgrade", "1.1.0")).contains("\nupgraded to 1.1.0 from 1.0.0");
      assertThat(node.ok("downgrade", "1.0.0")).contains("\ndowngraded to 1.0.0 from 1.1.0");
    }
  }

  @Test
  void aHundredCyclesUnderALongLivedCallerKeepClassesAndMetaspaceFlat() throws Exception {
    try (LauncherNode node = LauncherNode.extract(TARGET.resolve("kv-1.0.0.tar.gz"), root)) {
      node.ok("start");
      node.ok("eval", "KV.put(\"a\", 42)");
      int caller = node.startLoad("KV.get(\"a\")", "42");
      node.ok("unpack", TARGET.resolve("kv-1.1.0.tar.gz").toString());
      cycles(node, 10);
      long[] at10 = memory(node);
      cycles(node, 90);
      long[] at100 = memory(node);
      LauncherNode.Load load = node.load(caller);
      System.out.printf(
          "soak: after 10 cycles %d classes, %d KB metaspace; after 100, %d classes, %d KB;"
              + " %d calls, %d failed%n",
          at10[0], at10[1], at100[0], at100[1], load.calls(), load.failed());
      assertThat(load.failed()).as("failed calls").isZero();
      // each version of kv defines a few dozen classes: 180 more cycles leaking would add thousands
      assertThat(at100[0] - at10[0]).as("classes loaded, 10th to 100th cycle").isLessThan(300);
      assertThat(at100[1] - at10[1]).as("metaspace KB, 10th to 100th cycle").isLessThan(4096);
    }
  }
}
