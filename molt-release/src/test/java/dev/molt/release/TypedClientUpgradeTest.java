package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.code.CodeServer;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * During a release upgrade of an HTTP service, requests still running 1.0.0 code got 1.1.0 records
 * back from {@code GenServer.call} and failed with {@code Session cannot be cast to Session (loader
 * 'sessions@2' … 'sessions@1')}: 5 of 988 requests, on every try. Here typed clients on both
 * versions call without pause through an upgrade and a downgrade, and none fails.
 */
class TypedClientUpgradeTest {
  @TempDir Path work;

  private static String store(String tag, String session) {
    return """
        package %1$s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import java.util.*;
        public final class Store implements GenServer<Store.State> {
          %2$s
          public record Touch(String user) {}
          public record State(Map<String, Session> sessions) {}
          public Init<State> init(Object arg) { return Init.ok(new State(new HashMap<>())); }
          public CallResult<State> handleCall(Object request, From from, State state) {
            if (request instanceof Touch(String user)) {
              Session before = state.sessions().get(user);
              Session after = before == null ? Session.first(user) : before.touched();
              state.sessions().put(user, after);
              return new Reply<>(after, state);
            }
            return new Reply<>("%3$s", state);
          }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
        }
        """
        .formatted("%1$s", session, tag);
  }

  private static final String CLIENT =
      """
      public final class Client {
        /** What a request handler of this version does: a typed call. */
        public static String touch(String user) {
          Store.Session session = (Store.Session) dev.molt.behaviour.GenServer.call("%s", new Store.Touch(user));
          return session.user() + ":" + session.hits();
        }
      }
      """;

  @Test
  void typedClientsOfBothVersionsCallThroughAnUpgradeAndADowngradeWithoutAFailure()
      throws Exception {
    TestReleases r = new TestReleases(work, "typed");
    String v1 =
        store(
                "v1",
                """
            public record Session(String user, int hits) {
              static Session first(String user) { return new Session(user, 1); }
              Session touched() { return new Session(user, hits + 1); }
            }
            """)
            .formatted(r.pkg);
    String v2 =
        store(
                "v2",
                """
            public record Session(String user, int hits, @Default("0") long touchedAt) {
              static Session first(String user) { return new Session(user, 1, System.nanoTime()); }
              Session touched() { return new Session(user, hits + 1, System.nanoTime()); }
            }
            """)
            .formatted(r.pkg);
    Map<String, String> client = Map.of("Client", CLIENT.formatted(r.registered));
    ReleaseHandler handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(r.release("1.0.0", null, r.jar("1.0.0", v1, client, List.of()), null));
    handler.boot();
    Method oldTouch = clientTouch(r);

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong calls = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger left = new AtomicInteger();
    List<Pid> pids =
        List.of(
            Process.spawn(
                () -> callWithoutPause(() -> oldTouch, "old", stop, calls, failures, left)),
            Process.spawn(
                () ->
                    callWithoutPause(
                        () -> clientTouch(r), "current", stop, calls, failures, left)));

    long before = calls.get();
    awaitMore(calls, before + 200);
    handler.unpack(
        r.release(
            "1.1.0", "1.0.0", r.jar("1.1.0", v2, client, List.of()), r.appup("1.1.0", "1.0.0")));
    InstallResult up = handler.install("1.1.0");
    assertThat(up.suspended()).isEqualTo(1);
    awaitMore(calls, calls.get() + 500);
    assertThat(clientTouch(r).getDeclaringClass().getClassLoader())
        .isNotSameAs(oldTouch.getDeclaringClass().getClassLoader());
    handler.makePermanent("1.1.0");
    InstallResult down = handler.downgrade("1.0.0");
    assertThat(down.to()).isEqualTo("1.0.0");
    awaitMore(calls, calls.get() + 500);
    stop.set(true);
    // The clients finish the call they are in and leave; killing them mid-call would fail it.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> left.get() == pids.size());

    assertThat(failures).as("failed calls, of " + calls.get()).isEmpty();
    assertThat(calls.get()).isGreaterThan(1_200);
  }

  private static Method clientTouch(TestReleases r) {
    try {
      return CodeServer.currentClass(r.pkg + ".Client")
          .orElseThrow()
          .getMethod("touch", String.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void callWithoutPause(
      java.util.function.Supplier<Method> touch,
      String who,
      AtomicBoolean stop,
      AtomicLong calls,
      ConcurrentLinkedQueue<String> failures,
      AtomicInteger left) {
    int i = 0;
    while (!stop.get()) {
      String user = who + (i++ % 10);
      try {
        Object answer = touch.get().invoke(null, user);
        if (!answer.toString().startsWith(user + ":")) {
          failures.add(who + ": wrong answer " + answer);
        }
      } catch (Throwable t) {
        Throwable cause =
            t instanceof java.lang.reflect.InvocationTargetException e ? e.getCause() : t;
        failures.add(who + ": " + cause);
      }
      calls.incrementAndGet();
    }
    left.incrementAndGet();
  }

  private static void awaitMore(AtomicLong calls, long target) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> calls.get() >= target);
  }
}
