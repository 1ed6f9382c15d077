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
}
