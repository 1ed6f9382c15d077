package dev.molt.bench;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.ChildShutdown;
import dev.molt.behaviour.ChildSpec;
import dev.molt.behaviour.ChildType;
import dev.molt.behaviour.Restart;
import dev.molt.behaviour.RestartStrategy;
import dev.molt.behaviour.Supervisor;
import dev.molt.behaviour.SupervisorSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * sup_terminate_10k_children_ms: OTP's {@code simple_one_for_one_scale_many_temporary_children} as
 * a benchmark. A {@code SIMPLE_ONE_FOR_ONE} supervisor of temporary children (processes waiting in
 * {@code receive}); start 1,000 and terminate them one by one with {@code terminateChild}, the last
 * started first (the worst order for children kept in a list), then the same with 10,000. The
 * scaling (the 10,000 time over the 1,000 time) is 10 when each terminate costs the same however
 * many children there are. One warm-up round, then the median of 5. Prints each round and {@code
 * VALUE <ms to terminate 10,000>}.
 */
public final class SupervisorScale {
  private SupervisorScale() {}

  public static void main(String[] args) throws Exception {
    int rounds = 6;
    double[] large = new double[rounds - 1];
    CompletableFuture<Void> done = new CompletableFuture<>();
    Process.spawn(
        () -> {
          try {
            Process.trapExit(true);
            ChildSpec child =
                new ChildSpec(
                    "child",
                    a -> Process.spawnLink(() -> Process.receive()),
                    Restart.TEMPORARY,
                    ChildShutdown.timeout(Duration.ofSeconds(1)),
                    ChildType.WORKER,
                    List.of());
            Pid sup =
                Supervisor.startLink(
                    new SupervisorSpec(
                        RestartStrategy.SIMPLE_ONE_FOR_ONE,
                        2,
                        Duration.ofSeconds(3600),
                        List.of(child),
                        System::nanoTime));
            for (int round = 0; round < rounds; round++) {
              double small = terminateAll(sup, 1_000);
              double big = terminateAll(sup, 10_000);
              System.out.printf(
                  "round %d: 1,000 in %.1f ms, 10,000 in %.1f ms, scaling %.1f%n",
                  round, small, big, big / small);
              if (round > 0) {
                large[round - 1] = big;
              }
            }
            done.complete(null);
          } catch (Throwable t) {
            done.completeExceptionally(t);
          }
        });
    done.get();
    Arrays.sort(large);
    System.out.printf("VALUE %.1f%n", large[large.length / 2]);
    System.exit(0);
  }

  /** Starts {@code n} children, then times terminating each; in ms. */
  private static double terminateAll(Pid sup, int n) {
    List<Pid> children = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      children.add(Supervisor.startChild(sup, List.of()));
    }
    long start = System.nanoTime();
    for (Pid child : children.reversed()) {
      Supervisor.terminateChild(sup, child);
    }
    return (System.nanoTime() - start) / 1e6;
  }
}
