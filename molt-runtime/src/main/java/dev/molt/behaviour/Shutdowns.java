package dev.molt.behaviour;

import dev.molt.Down;
import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a linked process the way OTP's supervisor does, for supervisors and the application
 * controller alike: unlink, monitor, drop an {@code EXIT} already received from it, send {@code
 * shutdown} (or {@code kill}), wait for its end, and kill it if it takes too long. Must be called
 * from the process it is linked to.
 */
final class Shutdowns {
  private static final Logger LOG = LoggerFactory.getLogger(Shutdowns.class);

  private Shutdowns() {}

  /**
   * Stops {@code pid} by {@code policy} and returns once it has ended; {@code what} names it in the
   * log.
   */
  static void stop(Pid pid, ChildShutdown policy, String what) {
    Ref ref = Process.monitor(pid);
    Process.unlink(pid);
    Process.receive(Exit.class, e -> e.from() == pid, Duration.ZERO);
    switch (policy) {
      case ChildShutdown.BrutalKill kill -> {
        Process.exit(pid, ExitReason.kill());
        awaitDown(ref, Process.INFINITY);
      }
      case ChildShutdown.Timeout timeout -> {
        Process.exit(pid, ExitReason.shutdown());
        if (!awaitDown(ref, timeout.timeout())) {
          LOG.warn("{} ({}) did not stop within {}; killing it", what, pid, timeout.timeout());
          Process.exit(pid, ExitReason.kill());
          awaitDown(ref, Process.INFINITY);
        }
      }
      case ChildShutdown.Infinity infinity -> {
        Process.exit(pid, ExitReason.shutdown());
        awaitDown(ref, Process.INFINITY);
      }
    }
  }

  /**
   * Stops every process of {@code pids} by {@code policy}, all at once: each is sent its signal
   * before any is waited for, and a timeout is one deadline for all, after which those still
   * running are killed. How OTP stops the children of a {@code simple_one_for_one} supervisor.
   */
  static void stopAll(List<Pid> pids, ChildShutdown policy, String what) {
    Map<Ref, Pid> waiting = new HashMap<>();
    for (Pid pid : pids) {
      Ref ref = Process.monitor(pid);
      Process.unlink(pid);
      Process.receive(Exit.class, e -> e.from() == pid, Duration.ZERO);
      waiting.put(ref, pid);
    }
    ExitReason signal =
        policy instanceof ChildShutdown.BrutalKill ? ExitReason.kill() : ExitReason.shutdown();
    for (Pid pid : waiting.values()) {
      Process.exit(pid, signal);
    }
    long deadline =
        policy instanceof ChildShutdown.Timeout timeout
            ? System.nanoTime() + timeout.timeout().toNanos()
            : Long.MAX_VALUE;
    while (!waiting.isEmpty()) {
      Duration left =
          deadline == Long.MAX_VALUE
              ? Process.INFINITY
              : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      Optional<Down> down = Process.receive(Down.class, d -> waiting.containsKey(d.ref()), left);
      if (down.isPresent()) {
        waiting.remove(down.get().ref());
      } else {
        LOG.warn("{}: {} did not stop within {}; killing them", what, waiting.values(), policy);
        for (Pid pid : waiting.values()) {
          Process.exit(pid, ExitReason.kill());
        }
        deadline = Long.MAX_VALUE;
      }
    }
  }

  private static boolean awaitDown(Ref ref, Duration timeout) {
    return Process.receive(Down.class, d -> d.ref() == ref, timeout).isPresent();
  }
}
