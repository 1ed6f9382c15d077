package dev.molt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of spawn, link, unlink, monitor, exit, kill and crash, run against the runtime
 * and against a model of OTP's semantics. After each sequence, the processes alive are exactly the
 * model's, and every monitor held by a live process has received exactly one DOWN if its target is
 * dead, and none if it is alive.
 */
class LinkMonitorPropertyTest {

  sealed interface Op {}

  record Spawn(boolean trap) implements Op {}

  record Link(int a, int b) implements Op {}

  record Unlink(int a, int b) implements Op {}

  record Monitor(int watcher, int target) implements Op {}

  record SendExit(int target, int reason) implements Op {}

  record Crash(int target) implements Op {}

  private record Command(Runnable action, CountDownLatch done) {}

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Integer> index = Arbitraries.integers().between(0, 9);
    Arbitrary<Op> op =
        Arbitraries.oneOf(
            Arbitraries.of(true, false).map(Spawn::new),
            net.jqwik.api.Combinators.combine(index, index).as(Link::new),
            net.jqwik.api.Combinators.combine(index, index).as(Unlink::new),
            net.jqwik.api.Combinators.combine(index, index).as(Monitor::new),
            net.jqwik.api.Combinators.combine(index, Arbitraries.integers().between(0, 3))
                .as(SendExit::new),
            index.map(Crash::new));
    return op.list().ofMinSize(1).ofMaxSize(40);
  }

  /** The model: which process is alive, traps exits, and is linked to which. */
  private static final class Model {
    final List<Boolean> alive = new ArrayList<>();
    final List<Boolean> trap = new ArrayList<>();
    final List<Set<Integer>> links = new ArrayList<>();

    int add(boolean traps) {
      alive.add(true);
      trap.add(traps);
      links.add(new HashSet<>());
      return alive.size() - 1;
    }

    /** An exit signal with {@code reason} reaches {@code target}. */
    void signal(int target, ExitReason reason, boolean viaLink, boolean fromItself) {
      if (!alive.get(target)) {
        return;
      }
      if (reason instanceof ExitReason.Kill && !viaLink) {
        die(target, ExitReason.killed());
      } else if (trap.get(target)) {
        return;
      } else if (reason instanceof ExitReason.Normal) {
        if (fromItself && !viaLink) {
          die(target, reason);
        }
      } else {
        die(target, reason);
      }
    }

    void die(int p, ExitReason reason) {
      alive.set(p, false);
      for (int other : List.copyOf(links.get(p))) {
        links.get(other).remove(p);
        links.get(p).remove(other);
        signal(other, reason, true, false);
      }
    }

    void link(int a, int b) {
      if (!alive.get(a) || a == b) {
        return;
      }
      if (!alive.get(b)) {
        signal(a, ExitReason.noproc(), true, false);
        return;
      }
      links.get(a).add(b);
      links.get(b).add(a);
    }
  }

  @Property(tries = 150)
  void processesLiveAndDieAsTheModelSaysAndEveryMonitorGetsItsDown(
      @ForAll("operations") List<Op> ops) throws Exception {
    Model model = new Model();
    List<Pid> pids = new ArrayList<>();
    Map<Ref, AtomicInteger> downs = new ConcurrentHashMap<>();
    List<Ref> refs = new ArrayList<>();
    List<Integer> refWatcher = new ArrayList<>();
    List<Integer> refTarget = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        pids.add(spawn(i == 0, downs));
        model.add(i == 0);
      }
      for (Op op : ops) {
        int n = pids.size();
        switch (op) {
          case Spawn spawn -> {
            pids.add(spawn(spawn.trap(), downs));
            model.add(spawn.trap());
          }
          case Link link -> {
            int a = link.a() % n;
            int b = link.b() % n;
            Pid target = pids.get(b);
            if (run(pids.get(a), () -> Process.link(target))) {
              model.link(a, b);
            }
          }
          case Unlink unlink -> {
            int a = unlink.a() % n;
            int b = unlink.b() % n;
            Pid target = pids.get(b);
            if (run(pids.get(a), () -> Process.unlink(target))) {
              model.links.get(a).remove(b);
              model.links.get(b).remove(a);
            }
          }
          case Monitor monitor -> {
            int w = monitor.watcher() % n;
            int t = monitor.target() % n;
            Pid target = pids.get(t);
            Ref[] ref = new Ref[1];
            if (run(pids.get(w), () -> ref[0] = Process.monitor(target))) {
              refs.add(ref[0]);
              refWatcher.add(w);
              refTarget.add(t);
            }
          }
          case SendExit exit -> {
            int t = exit.target() % n;
            ExitReason reason =
                switch (exit.reason()) {
                  case 0 -> ExitReason.normal();
                  case 1 -> ExitReason.shutdown();
                  case 2 -> ExitReason.kill();
                  default -> ExitReason.of("boom");
                };
            Process.exit(pids.get(t), reason);
            model.signal(t, reason, false, false);
          }
          case Crash crash -> {
            int t = crash.target() % n;
            if (model.alive.get(t)) {
              run(
                  pids.get(t),
                  () -> {
                    throw new IllegalStateException("crash");
                  });
              awaitDead(pids.get(t));
              model.die(t, ExitReason.crash(new IllegalStateException()));
            }
          }
        }
      }
      for (int i = 0; i < pids.size(); i++) {
        assertThat(pids.get(i).isAlive())
            .as("process %d alive (ops %s)", i, ops)
            .isEqualTo(model.alive.get(i));
      }
      await()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(2))
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                for (int r = 0; r < refs.size(); r++) {
                  if (!model.alive.get(refWatcher.get(r))) {
                    continue;
                  }
                  int expected = model.alive.get(refTarget.get(r)) ? 0 : 1;
                  AtomicInteger got = downs.get(refs.get(r));
                  assertThat(got == null ? 0 : got.get())
                      .as("DOWNs for monitor %d (ops %s)", r, ops)
                      .isEqualTo(expected);
                }
              });
    } finally {
      for (Pid pid : pids) {
        Process.exit(pid, ExitReason.kill());
      }
    }
  }

  private static Pid spawn(boolean trap, Map<Ref, AtomicInteger> downs)
      throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(1);
    Pid pid =
        Process.spawn(
            () -> {
              Process.trapExit(trap);
              ready.countDown();
              while (true) {
                Object message = Process.receive();
                if (message instanceof Command command) {
                  try {
                    command.action().run();
                  } finally {
                    command.done().countDown();
                  }
                } else if (message instanceof Down down) {
                  downs.computeIfAbsent(down.ref(), ref -> new AtomicInteger()).incrementAndGet();
                }
              }
            });
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    return pid;
  }

  /** Runs {@code action} inside {@code pid}; false if the process was dead and did nothing. */
  private static boolean run(Pid pid, Runnable action) throws InterruptedException {
    if (!pid.isAlive()) {
      return false;
    }
    CountDownLatch done = new CountDownLatch(1);
    Process.send(pid, new Command(action, done));
    assertThat(done.await(10, TimeUnit.SECONDS)).as("command ran in %s", pid).isTrue();
    return true;
  }

  private static void awaitDead(Pid pid) {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> !pid.isAlive());
  }
}
