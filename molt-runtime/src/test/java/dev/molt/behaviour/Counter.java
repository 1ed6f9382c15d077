package dev.molt.behaviour;

import dev.molt.ExitReason;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A counter server used across the tests: "get", "incr", and a request for each way a callback can
 * end.
 */
public final class Counter implements GenServer<Integer> {
  public final List<String> terminated = new CopyOnWriteArrayList<>();
  public final CountDownLatch release = new CountDownLatch(1);

  /** Counted down when a "slow" call starts waiting for {@link #release}. */
  public final CountDownLatch blocked = new CountDownLatch(1);

  @Override
  public Init<Integer> init(Object arg) {
    if ("fail".equals(arg)) {
      return Init.fail(ExitReason.of("bad_arg"));
    }
    if ("ignore".equals(arg)) {
      return Init.ignore();
    }
    if ("throw".equals(arg)) {
      throw new IllegalArgumentException("init threw");
    }
    return Init.ok(arg == null ? 0 : (Integer) arg);
  }

  @Override
  public CallResult<Integer> handleCall(Object request, From from, Integer n) {
    return switch (request instanceof String s ? s : "?") {
      case "get" -> new Reply<>(n, n);
      case "incr" -> new Reply<>(n + 1, n + 1);
      case "null" -> new Reply<>(null, n);
      case "crash" -> throw new IllegalStateException("crash in handleCall");
      case "stop" -> Stop.withReply(ExitReason.normal(), "stopping", n);
      case "slow" -> {
        try {
          blocked.countDown();
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        yield new Reply<>("late", n);
      }
      case "bad" -> null;
      default -> new Reply<>(new IllegalArgumentException("unknown request " + request), n);
    };
  }

  @Override
  public CastResult<Integer> handleCast(Object request, Integer n) {
    if ("crash".equals(request)) {
      throw new IllegalStateException("crash in handleCast");
    }
    if ("stop".equals(request)) {
      return new Stop<>(ExitReason.of("cast_stop"), n);
    }
    return new NoReply<>(n + (Integer) request);
  }

  @Override
  public CastResult<Integer> handleInfo(Object message, Integer n) {
    return new NoReply<>(n + 100);
  }

  @Override
  public void terminate(ExitReason reason, Integer n) {
    terminated.add(reason + "@" + n);
  }
}
