package dev.molt.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Pid;
import dev.molt.Process;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** handleCall returning NoReply and answering later through the kept From. */
class DeferredReplyTest {
  /** Keeps callers waiting until "release" arrives, then answers them all: deferred replies. */
  static final class Gate implements GenServer<List<From>> {
    @Override
    public Init<List<From>> init(Object arg) {
      return Init.ok(new ArrayList<>());
    }

    @Override
    public CallResult<List<From>> handleCall(Object request, From from, List<From> waiting) {
      if ("count".equals(request)) {
        return new Reply<>(waiting.size(), waiting);
      }
      if ("release".equals(request)) {
        waiting.forEach(f -> GenServer.reply(f, "released"));
        return new Reply<>(waiting.size(), new ArrayList<>());
      }
      waiting.add(from);
      return new NoReply<>(waiting);
    }

    @Override
    public CastResult<List<From>> handleCast(Object request, List<From> state) {
      return new NoReply<>(state);
    }
  }

  @Test
  void deferredRepliesAnswerLater() throws Exception {
    Pid gate = GenServer.start(new Gate(), null);
    List<Object> replies = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(3);
    for (int i = 0; i < 3; i++) {
      Process.spawn(
          () -> {
            replies.add(GenServer.call(gate, "wait"));
            done.countDown();
          });
    }
    org.awaitility.Awaitility.await().until(() -> GenServer.call(gate, "count").equals(3));
    assertThat(replies).isEmpty();
    assertThat(GenServer.call(gate, "release")).isEqualTo(3);
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(replies).containsExactly("released", "released", "released");
  }

  /**
   * Answers {@code n} after spinning about {@code n} microseconds, itself or (odd {@code n}) from
   * another process: replies land before, during and after the moment the caller gives up spinning
   * and parks.
   */
  static final class Jittery implements GenServer<Pid> {
    @Override
    public Init<Pid> init(Object arg) {
      return Init.ok((Pid) arg);
    }

    @Override
    public CallResult<Pid> handleCall(Object request, From from, Pid replier) {
      int n = (Integer) request;
      if (n % 2 == 1) {
        Process.send(replier, new Object[] {from, n});
        return new NoReply<>(replier);
      }
      spin(n);
      return new Reply<>(n, replier);
    }

    @Override
    public CastResult<Pid> handleCast(Object request, Pid replier) {
      return new NoReply<>(replier);
    }
  }

  static void spin(int micros) {
    long until = System.nanoTime() + micros * 1_000L;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  /**
   * A reply costs the caller no unpark while it still spins or yields, only once it parked; a reply
   * that races its park must wake it all the same (a lost wake-up would time the call out).
   */
  @Test
  void repliesThatRaceTheCallersParkAlwaysWakeIt() throws Exception {
    Pid replier =
        Process.spawn(
            () -> {
              while (true) {
                Object[] job = (Object[]) Process.receive();
                spin((Integer) job[1]);
                GenServer.reply((From) job[0], job[1]);
              }
            });
    Pid server = GenServer.start(new Jittery(), replier);
    int clients = 4;
    int calls = 3_000;
    List<String> wrong = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      int seed = c;
      Process.spawn(
          () -> {
            java.util.Random random = new java.util.Random(seed);
            try {
              for (int i = 0; i < calls; i++) {
                int n = random.nextInt(80);
                // no timeout: a lost wake-up leaves the caller parked for good
                Object reply = GenServer.call(server, n, Process.INFINITY);
                if (!Integer.valueOf(n).equals(reply)) {
                  wrong.add(n + " answered " + reply);
                }
              }
            } catch (RuntimeException e) {
              wrong.add(e.toString());
            } finally {
              done.countDown();
            }
          });
    }
    assertThat(done.await(60, TimeUnit.SECONDS))
        .as("every caller got its replies (a caller left parked means a lost wake-up)")
        .isTrue();
    assertThat(wrong).isEmpty();
    GenServer.stop(server);
    Process.exit(replier, dev.molt.ExitReason.kill());
  }
}
