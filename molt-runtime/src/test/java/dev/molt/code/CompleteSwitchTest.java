package dev.molt.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Sources;
import dev.molt.behaviour.CallException;
import dev.molt.behaviour.GenServer;
import dev.molt.sys.Sys;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A code change moves a process completely — its state, the messages waiting for it, its timers,
 * and the replies its callers get — or refuses before anything switches. Each test is a way a
 * switch once reported success and then crashed or lied.
 */
class CompleteSwitchTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir Path dir;

  private final String module = "complete" + NAMES.incrementAndGet();
  private final String pkg = "test.complete." + module;

  /**
   * A server whose state counts the {@code Job}s it handled, with {@code extra} members in its
   * {@code Types} class: {@code Job(Kind kind, String what)}, calls "get" and a Job, casts of Jobs,
   * info Jobs.
   */
  private ModuleSource version(String tag, String kinds, String extra) throws IOException {
    return version(tag, kinds, extra, "job");
  }

  /** As above, the reply to a Job call being {@code answer} (an expression of {@code job}). */
  private ModuleSource version(String tag, String kinds, String extra, String answer)
      throws IOException {
    String source =
        """
        package %1$s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import java.util.*;
        public final class Server implements GenServer<Server.State> {
          public enum Kind { %2$s }
          public record Job(Kind kind, String what) {}
          public record State(List<String> seen) {}
          public Init<State> init(Object arg) { return Init.ok(new State(new ArrayList<>())); }
          public CallResult<State> handleCall(Object request, From from, State state) {
            if (request instanceof Job job) { state.seen().add(job.kind() + ":" + job.what()); return new Reply<>(%5$s, state); }
            return new Reply<>("%3$s:" + state.seen(), state);
          }
          public CastResult<State> handleCast(Object request, State state) {
            state.seen().add("cast " + ((Job) request).kind() + ":" + ((Job) request).what());
            return new NoReply<>(state);
          }
          public CastResult<State> handleInfo(Object message, State state) {
            state.seen().add("info " + ((Job) message).kind() + ":" + ((Job) message).what());
            return new NoReply<>(state);
          }
          public static Job job(String kind, String what) { return new Job(Kind.valueOf(kind), what); }
          public static String kindOf(Object job) { return ((Job) job).kind().name(); }
          %4$s
        }
        """
            .formatted(pkg, kinds, tag, extra, answer);
    return ModuleSource.sources(
        module, Sources.write(dir.resolve(tag), Map.of(pkg + ".Server", source)));
  }

  private Class<?> serverClass() {
    return CodeServer.currentClass(pkg + ".Server").orElseThrow();
  }

  private Pid start() {
    return GenServer.start(CodeServer.newInstance(serverClass(), GenServer.class), null);
  }

  private static Object job(Class<?> server, String kind, String what) throws Exception {
    Method method = server.getMethod("job", String.class, String.class);
    return method.invoke(null, kind, what);
  }

  /**
   * A cast queued while the server was suspended held an enum constant that v2 removed. {@code
   * changeCode} succeeded, and the server crashed on resume migrating the message. Now the change
   * fails, and the process goes on on v1 with the message.
   */
  @Test
  void aWaitingMessageThatCannotBeMigratedFailsTheChangeAndNothingMoves() throws Exception {
    CodeServer.load(version("v1", "FAST, SLOW", ""));
    Class<?> v1 = serverClass();
    Pid server = start();
    Sys.suspend(server);
    GenServer.cast(server, job(v1, "SLOW", "queued"));
    await().atMost(5, TimeUnit.SECONDS).until(() -> Process.mailboxSize(server) == 1);
    CodeServer.load(version("v2", "FAST", ""));

    assertThatThrownBy(() -> Sys.changeCode(server, module, 1, null))
        .isInstanceOf(CodeException.class)
        .hasMessageContaining("enum constant Kind.SLOW")
        .hasMessageContaining("a waiting cast's request");
    assertThat(Sys.getStatus(server).version()).isEqualTo(1);
    Sys.resume(server);
    await().atMost(5, TimeUnit.SECONDS).until(() -> Process.mailboxSize(server) == 0);
    assertThat(Process.isAlive(server)).isTrue();
    assertThat(Sys.getState(server).toString()).contains("cast SLOW:queued");
  }

  /**
   * The same message, with a {@code handleUnmigratable} in v2 that takes it: the change goes
   * through.
   */
  @Test
  void handleUnmigratableTakesWhatCannotBeMigrated() throws Exception {
    CodeServer.load(version("v1", "FAST, SLOW", ""));
    Class<?> v1 = serverClass();
    Pid server = start();
    Sys.suspend(server);
    GenServer.cast(server, job(v1, "SLOW", "queued"));
    GenServer.cast(server, job(v1, "FAST", "kept"));
    await().atMost(5, TimeUnit.SECONDS).until(() -> Process.mailboxSize(server) == 2);
    CodeServer.load(
        version(
            "v2",
            "FAST",
            """
            public CastResult<State> handleUnmigratable(Object message, From from, MigrationException why, State state) {
              state.seen().add("unmigratable " + message);
              return new NoReply<>(state);
            }
            """));

    Sys.changeCode(server, module, 1, null);
    Sys.resume(server);

    await().atMost(5, TimeUnit.SECONDS).until(() -> Process.mailboxSize(server) == 0);
    assertThat(GenServer.call(server, "get"))
        .asString()
        .startsWith("v2:[unmigratable Job[kind=SLOW, what=queued], cast FAST:kept");
  }

  /**
   * A message that reaches the new code after the switch and cannot be migrated is dropped with a
   * warning (a call fails with NOT_MIGRATED), never a crash.
   */
  @Test
  void aMessageArrivingAfterTheSwitchThatCannotBeMigratedIsDroppedNotACrash() throws Exception {
    CodeServer.load(version("v1", "FAST, SLOW", ""));
    Class<?> v1 = serverClass();
    Pid server = start();
    CodeServer.load(version("v2", "FAST", ""));
    assertThat(GenServer.call(server, "get")).isEqualTo("v2:[]");

    assertThatThrownBy(() -> GenServer.call(server, job(v1, "SLOW", "late")))
        .isInstanceOfSatisfying(
            CallException.class,
            e -> assertThat(e.kind()).isEqualTo(CallException.Kind.NOT_MIGRATED))
        .hasMessageContaining("Kind.SLOW");
    Process.send(server, job(v1, "SLOW", "info"));
    assertThat(GenServer.call(server, "get"))
        .as("alive, and nothing was handled")
        .isEqualTo("v2:[]");
  }

  /** A timer set on v1 with a v1 record: it fires after the switch with the v2 record. */
  @Test
  void pendingTimersAreMigratedWithTheProcess() throws Exception {
    CodeServer.load(version("v1", "FAST, SLOW", ""));
    Class<?> v1 = serverClass();
    Pid server = start();
    Process.sendAfter(Duration.ofMillis(300), server, job(v1, "FAST", "timer"));
    CodeServer.load(version("v2", "FAST, SLOW, NEW", ""));
    Sys.suspend(server);
    Sys.changeCode(server, module, 1, null);
    Sys.resume(server);
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> GenServer.call(server, "get").toString().contains("info FAST:timer"));
    assertThat(Sys.getStatus(server).version()).isEqualTo(2);
  }

  /**
   * During an upgrade of a real service, requests still on 1.0.0 code got 1.1.0 records back and
   * failed with {@code Job cannot be cast to Job}. A caller now gets its reply in the classes it
   * called with.
   */
  @Test
  void aCallerGetsItsReplyInTheClassesOfItsOwnVersion() throws Exception {
    CodeServer.load(version("v1", "FAST, SLOW", ""));
    Class<?> v1 = serverClass();
    Pid server = start();
    CodeServer.load(version("v2", "FAST, SLOW, NEW", ""));

    Object reply = GenServer.call(server, job(v1, "FAST", "typed"));

    assertThat(reply.getClass().getClassLoader()).isSameAs(v1.getClassLoader());
    assertThat(v1.getMethod("kindOf", Object.class).invoke(null, reply)).isEqualTo("FAST");
    assertThat(Sys.getStatus(server).version()).isEqualTo(2);
    Object fresh = GenServer.call(server, job(serverClass(), "NEW", "v2 caller"));
    assertThat(fresh.getClass().getClassLoader()).isSameAs(serverClass().getClassLoader());
  }

  /**
   * A typed client of v1 asked with a plain String ({@code "last"}) and cast the reply to its own
   * Job; the server, already on v2, answered with a v2 Job: {@code Job cannot be cast to Job}. The
   * request cannot tell the caller's version, so the caller's stack does, while two versions are in
   * play.
   */
  @Test
  void aCallerWithAPlainRequestGetsItsReplyInItsOwnClassesToo() throws Exception {
    String source =
        """
        package %1$s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        public final class Server implements GenServer<Integer> {
          public record Job(String what) {}
          public Init<Integer> init(Object arg) { return Init.ok(0); }
          public CallResult<Integer> handleCall(Object request, From from, Integer n) {
            return new Reply<>(new Job("%2$s"), n + 1);
          }
          public CastResult<Integer> handleCast(Object request, Integer n) { return new NoReply<>(n); }
          public static String ask(Pid server) {
            Job job = (Job) GenServer.call(server, "last");
            return "%2$s client got " + job.what();
          }
        }
        """;
    CodeServer.load(
        ModuleSource.sources(
            module,
            Sources.write(
                dir.resolve("p1"), Map.of(pkg + ".Server", source.formatted(pkg, "v1")))));
    Class<?> v1 = serverClass();
    Pid server = start();
    CodeServer.load(
        ModuleSource.sources(
            module,
            Sources.write(
                dir.resolve("p2"), Map.of(pkg + ".Server", source.formatted(pkg, "v2")))));
    Method ask = v1.getMethod("ask", Pid.class);

    assertThat(ask.invoke(null, server)).isEqualTo("v1 client got v2");
    assertThat(Sys.getStatus(server).version()).as("the call switched it").isEqualTo(2);
    assertThat(serverClass().getMethod("ask", Pid.class).invoke(null, server))
        .isEqualTo("v2 client got v2");
  }

  /**
   * A message that is a JDK container of module records ({@code List.of(job)} cast by v1 code) was
   * not looked into: only a message of a module class was. Queued during the change or arriving
   * after it, v2 then cast a v1 Job and crashed. Both are migrated now.
   */
  @Test
  void aListOfRecordsAsAMessageIsMigratedQueuedOrArriving() throws Exception {
    String source =
        """
        package %1$s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import java.util.*;
        public final class Server implements GenServer<List<String>> {
          public record Job(String what) {}
          public Init<List<String>> init(Object arg) { return Init.ok(new ArrayList<>()); }
          public CallResult<List<String>> handleCall(Object request, From from, List<String> seen) {
            return new Reply<>("%2$s:" + seen, seen);
          }
          public CastResult<List<String>> handleCast(Object request, List<String> seen) {
            for (Object job : (List<?>) request) { seen.add(((Job) job).what()); }
            return new NoReply<>(seen);
          }
          public static void send(Pid server, String what) {
            GenServer.cast(server, List.of(new Job(what)));
          }
        }
        """;
    CodeServer.load(
        ModuleSource.sources(
            module,
            Sources.write(
                dir.resolve("l1"), Map.of(pkg + ".Server", source.formatted(pkg, "v1")))));
    Method send = serverClass().getMethod("send", Pid.class, String.class);
    Pid server = start();
    Sys.suspend(server);
    send.invoke(null, server, "queued");
    CodeServer.load(
        ModuleSource.sources(
            module,
            Sources.write(
                dir.resolve("l2"), Map.of(pkg + ".Server", source.formatted(pkg, "v2")))));
    Sys.changeCode(server, module, 1, null);
    Sys.resume(server);
    send.invoke(null, server, "arriving");

    assertThat(GenServer.call(server, "get")).isEqualTo("v2:[queued, arriving]");
  }

  private static final String PARKING =
      """
      package %1$s;
      import dev.molt.*;
      import dev.molt.behaviour.*;
      import java.util.*;
      public final class Server implements GenServer<List<From>> {
        public record Job(String what) {}
        public Init<List<From>> init(Object arg) { return Init.ok(new ArrayList<>()); }
        public CallResult<List<From>> handleCall(Object request, From from, List<From> parked) {
          if ("park".equals(request)) { parked.add(from); return new NoReply<>(parked); }
          if ("release".equals(request)) {
            for (From waiting : parked) { GenServer.reply(waiting, new Job("%2$s later")); }
            parked.clear();
          }
          return new Reply<>(new Job("%2$s"), parked);
        }
        public CastResult<List<From>> handleCast(Object request, List<From> parked) { return new NoReply<>(parked); }
        public static String ask(Pid server, String request) {
          Job job = (Job) GenServer.call(server, request);
          return job.what();
        }
      }
      """;

  private ModuleSource parking(String tag) throws IOException {
    return ModuleSource.sources(
        module,
        Sources.write(
            dir.resolve("park-" + tag), Map.of(pkg + ".Server", PARKING.formatted(pkg, tag))));
  }

  /**
   * Found by a newcomer: a server parked a v1 caller's {@code From} in its state and answered it
   * with {@code GenServer.reply} after moving to v2; the caller got a v2 Job ({@code Job cannot be
   * cast to Job}). And a v1 caller whose String request was queued before the load, while one
   * version was in play, got a v2 Job from a server that switched before answering (one call in a
   * run, in 8 of 12 runs). The reply's classes are fixed when the call is made.
   */
  @Test
  void aParkedOrQueuedCallerGetsItsReplyInTheClassesItCalledWith() throws Exception {
    CodeServer.load(parking("v1"));
    Method ask = serverClass().getMethod("ask", Pid.class, String.class);
    Pid server = start();
    CompletableFuture<Object> parked = new CompletableFuture<>();
    Process.spawn(() -> complete(parked, () -> ask.invoke(null, server, "park")));
    await().until(() -> ((java.util.List<?>) Sys.getState(server)).size() == 1);
    Sys.suspend(server);
    CompletableFuture<Object> queued = new CompletableFuture<>();
    Process.spawn(() -> complete(queued, () -> ask.invoke(null, server, "job")));
    await().until(() -> Sys.getStatus(server).mailbox() == 1);
    CodeServer.load(parking("v2"));
    Sys.changeCode(server, module, 1, null);
    Sys.resume(server);

    assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo("v2");
    assertThat(GenServer.call(server, "release").getClass().getClassLoader())
        .isSameAs(serverClass().getClassLoader());
    assertThat(parked.get(5, TimeUnit.SECONDS)).isEqualTo("v2 later");
  }

  private interface Body {
    Object run() throws Exception;
  }

  private static void complete(CompletableFuture<Object> result, Body body) {
    try {
      result.complete(body.run());
    } catch (InvocationTargetException e) {
      result.completeExceptionally(e.getCause());
    } catch (Exception e) {
      result.completeExceptionally(e);
    }
  }

  /**
   * Found by a newcomer: a typed client in a module that depends on the server's, still running the
   * version linked to v1, got v2 records on every call once the server moved (its String requests
   * named no version, and no frame of the server's module was on its stack).
   */
  @Test
  void aClientInADependentModuleGetsRepliesInTheVersionItLinksTo() throws Exception {
    CodeServer.load(parking("v1"));
    Pid server = start();
    String client =
        """
        package %1$s.web;
        import dev.molt.*;
        public final class Api {
          public static String ask(Pid server) {
            %1$s.Server.Job job = (%1$s.Server.Job) dev.molt.behaviour.GenServer.call(server, "job");
            return job.what();
          }
        }
        """
            .formatted(pkg);
    String web = module + "-web";
    CodeServer.load(
        ModuleSource.sources(
                web, Sources.write(dir.resolve("web"), Map.of(pkg + ".web.Api", client)))
            .dependingOn(module));
    Method oldApi =
        CodeServer.currentClass(pkg + ".web.Api").orElseThrow().getMethod("ask", Pid.class);
    CodeServer.load(parking("v2")); // relinks web: the old Api still links to v1

    assertThat(oldApi.invoke(null, server)).isEqualTo("v2");
    assertThat(Sys.getStatus(server).version()).isEqualTo(2);
    Method newApi =
        CodeServer.currentClass(pkg + ".web.Api").orElseThrow().getMethod("ask", Pid.class);
    assertThat(newApi.invoke(null, server)).isEqualTo("v2");
  }

  /**
   * A reply that cannot go back (a constant the caller's version lacks) fails the call, not the
   * server.
   */
  @Test
  void aReplyThatCannotGoBackToTheCallerFailsTheCallOnly() throws Exception {
    CodeServer.load(version("v1", "FAST", ""));
    Class<?> v1 = serverClass();
    Pid server = start();
    CodeServer.load(version("v2", "FAST, NEW", "", "new Job(Kind.NEW, job.what())"));

    assertThatThrownBy(() -> GenServer.call(server, job(v1, "FAST", "x")))
        .isInstanceOfSatisfying(
            CallException.class,
            e -> assertThat(e.kind()).isEqualTo(CallException.Kind.NOT_MIGRATED))
        .hasMessageContaining("enum constant Kind.NEW");
    assertThat(GenServer.call(server, "get")).as("the server goes on").isEqualTo("v2:[FAST:x]");
  }

  /**
   * A v2 whose codeChange threw left the process on v1 and v2 current; the fixed v3 was refused as
   * NOT_PURGED, and purging killed the process. Now v3 replaces v2, and the process moves from v1
   * to v3 with its state.
   */
  @Test
  void aFixedVersionReplacesOneThatTookNoProcessWithoutKillingAnything() throws Exception {
    CodeServer.load(version("v1", "FAST", ""));
    Class<?> v1 = serverClass();
    Pid server = start();
    GenServer.call(server, job(v1, "FAST", "before"));
    CodeServer.load(
        version(
            "v2",
            "FAST",
            "public State codeChange(Object vsn, Object old, Object extra) { throw new IllegalStateException(\"bug in v2\"); }"));
    Sys.suspend(server);
    assertThatThrownBy(() -> Sys.changeCode(server, module, 1, null))
        .hasMessageContaining("bug in v2");
    Sys.resume(server);
    assertThat(CodeServer.oldProcesses(module)).containsExactly(server);

    CodeServer.load(version("v3", "FAST", ""));

    assertThat(Process.isAlive(server)).isTrue();
    assertThat(CodeServer.which(module).orElseThrow().version()).isEqualTo(3);
    assertThat(GenServer.call(server, "get")).isEqualTo("v3:[FAST:before]");
    assertThat(Sys.getStatus(server).version()).isEqualTo(3);
  }

  /**
   * An overridden codeChange that keeps an object of v1 in the new state is refused with its path.
   */
  @Test
  void aStateThatStillHoldsOldObjectsIsRefusedBeforeTheSwitch() throws Exception {
    assertThatThrownBy(() -> smuggle("extra"))
        .isInstanceOf(CodeException.class)
        .hasMessageContaining("state.seen[0]: holds a " + pkg + ".Server$Job of " + module + " v1")
        .hasMessageContaining("Migration.migrate(value, getClass())");
  }

  /** A codeChange that keeps a class object of v1 (a type token) in the new state is refused. */
  @Test
  void aStateThatStillHoldsAnOldClassObjectIsRefusedBeforeTheSwitch() throws Exception {
    assertThatThrownBy(() -> smuggle("extra.getClass()"))
        .isInstanceOf(CodeException.class)
        .hasMessageContaining(
            "state.seen[0]: holds the class " + pkg + ".Server$Job of " + module + " v1");
  }

  /**
   * Runs a v1 server, then a change to a v2 whose codeChange adds {@code smuggled} (an expression
   * of its {@code extra}, a Job of v1) to the migrated state; checks that the server stayed on v1.
   */
  private void smuggle(String smuggled) throws Exception {
    CodeServer.load(version("v1", "FAST", ""));
    Class<?> v1 = serverClass();
    Pid server = start();
    CodeServer.load(
        version(
            "v2",
            "FAST",
            """
            @SuppressWarnings("unchecked")
            public State codeChange(Object vsn, Object old, Object extra) {
              State state = (State) Migration.migrate(old, getClass());
              ((List<Object>) (List<?>) state.seen()).add(%s);
              return state;
            }
            """
                .formatted(smuggled)));
    Sys.suspend(server);
    try {
      Sys.changeCode(server, module, 1, job(v1, "FAST", "smuggled"));
    } finally {
      assertThat(Sys.getStatus(server).version()).isEqualTo(1);
      Sys.resume(server);
    }
  }
}
