package dev.molt.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ApplicationControllerTest {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<String> halts = new CopyOnWriteArrayList<>();
  private final ApplicationController controller = ApplicationController.start(halts::add);

  /** An application whose tree is one supervisor with one worker named after the app. */
  private ApplicationSpec app(String name, String... needs) {
    ApplicationCallback callback =
        new ApplicationCallback() {
          @Override
          public Pid start(Restart type, Map<String, Object> env) {
            events.add("start " + name + " " + env.getOrDefault("greeting", ""));
            return Supervisor.startLink(
                SupervisorSpec.of(
                    RestartStrategy.ONE_FOR_ONE,
                    ChildSpec.worker(
                        "w",
                        args ->
                            GenServer.startLink(new SupervisorTest.Worker(events, true), name))));
          }

          @Override
          public void stop() {
            events.add("stopped " + name);
          }

          @Override
          public void configChange(
              Map<String, Object> changed, Map<String, Object> added, Set<String> removed) {
            events.add(
                "config "
                    + name
                    + " changed="
                    + changed
                    + " added="
                    + added
                    + " removed="
                    + removed);
          }
        };
    return ApplicationSpec.of(name, "1.0.0", callback)
        .withApplications(needs)
        .withEnv(Map.of("greeting", "hi"));
  }

  @Test
  void ensureAllStartedStartsDependenciesFirstAndStopAllReversesIt() {
    controller.load(app("web", "db", "log"));
    controller.load(app("db", "log"));
    controller.load(app("log"));
    assertThat(controller.ensureAllStarted("web", Restart.TEMPORARY))
        .containsExactly("log", "db", "web");
    assertThat(controller.whichApplications())
        .extracting(RunningApplication::name)
        .containsExactly("log", "db", "web");
    events.clear();
    controller.stopAll();
    assertThat(events)
        .containsExactly(
            "stop web shutdown",
            "stopped web",
            "stop db shutdown",
            "stopped db",
            "stop log shutdown",
            "stopped log");
    assertThat(controller.whichApplications()).isEmpty();
  }

  @Test
  void startingBeforeADependencyIsStartedSaysWhichOne() {
    controller.load(app("db", "log"));
    controller.load(app("log"));
    assertThatThrownBy(() -> controller.start("db", Restart.TEMPORARY))
        .hasMessageContaining("db cannot start: it needs log, which is not started");
  }

  @Test
  void unknownApplicationsAndCyclesAreRefused() {
    controller.load(app("a", "b"));
    controller.load(app("b", "a"));
    controller.load(app("c", "missing"));
    assertThatThrownBy(() -> controller.ensureAllStarted("a", Restart.TEMPORARY))
        .hasMessageContaining("cycle: a -> b -> a");
    assertThatThrownBy(() -> controller.ensureAllStarted("c", Restart.TEMPORARY))
        .hasMessageContaining("missing is not loaded (needed by c)");
    assertThatThrownBy(() -> controller.start("nope", Restart.TEMPORARY))
        .hasMessageContaining("nope is not loaded");
    assertThatThrownBy(() -> controller.load(app("a"))).hasMessageContaining("already loaded");
  }

  @Test
  void envComesFromDefaultsOverriddenByConfig() {
    controller.load(app("cfg"), Map.of("greeting", "hello", "port", 4000));
    assertThat(controller.getEnv("cfg", "greeting")).contains("hello");
    assertThat(controller.getEnv("cfg", "port")).contains(4000);
    assertThat(controller.getEnv("cfg", "absent")).isEmpty();
    controller.setEnv("cfg", "port", 5000);
    assertThat(controller.getEnv("cfg", "port")).contains(5000);
    controller.start("cfg", Restart.TEMPORARY);
    assertThat(events).contains("start cfg hello");
    controller.stop("cfg");
  }

  @Test
  void configChangeTellsTheRunningApplicationWhatChanged() {
    controller.load(app("conf"), Map.of("port", 1, "old", true));
    controller.start("conf", Restart.TEMPORARY);
    controller.changeConfig("conf", Map.of("greeting", "hi", "port", 2, "fresh", "yes"));
    assertThat(events).contains("config conf changed={port=2} added={fresh=yes} removed=[old]");
    assertThat(controller.getAllEnv("conf"))
        .isEqualTo(Map.of("greeting", "hi", "port", 2, "fresh", "yes"));
    controller.stop("conf");
  }

  @Test
  void aTemporaryApplicationEndingIsOnlyReported() {
    controller.load(app("temp"));
    controller.load(app("other"));
    controller.start("other", Restart.PERMANENT);
    controller.start("temp", Restart.TEMPORARY);
    Pid sup = controller.whichApplications().getLast().supervisor();
    Process.exit(sup, ExitReason.kill());
    await().until(() -> !controller.isRunning("temp"));
    assertThat(controller.isRunning("other")).isTrue();
    assertThat(halts).isEmpty();
    controller.stop("other");
  }

  @Test
  void aTransientApplicationEndingNormallyIsOnlyReported() {
    controller.load(app("tr"));
    controller.start("tr", Restart.TRANSIENT);
    Pid sup = controller.whichApplications().getFirst().supervisor();
    GenServer.stop(sup, ExitReason.normal(), Duration.ofSeconds(5));
    await().until(() -> !controller.isRunning("tr"));
    assertThat(halts).isEmpty();
  }

  @Test
  void aPermanentApplicationEndingStopsTheOthersAndHaltsTheNode() {
    controller.load(app("base"));
    controller.load(app("perm", "base"));
    controller.ensureAllStarted("perm", Restart.PERMANENT);
    Pid sup = controller.whichApplications().getLast().supervisor();
    Process.exit(sup, ExitReason.kill());
    await().until(() -> !halts.isEmpty());
    assertThat(halts).containsExactly("application perm exited: killed (type PERMANENT)");
    assertThat(controller.whichApplications()).isEmpty();
    assertThat(events).contains("stopped base");
  }

  @Test
  void anApplicationWhoseSupervisorGivesUpEndsWithShutdownAndHaltsIfTransient() {
    ApplicationSpec fragile =
        ApplicationSpec.of(
            "fragile",
            "1.0.0",
            (type, env) ->
                Supervisor.startLink(
                    SupervisorSpec.of(
                            RestartStrategy.ONE_FOR_ONE,
                            ChildSpec.worker(
                                "w",
                                args ->
                                    GenServer.startLink(
                                        new SupervisorTest.Worker(events, false), "w")))
                        .withIntensity(0, Duration.ofSeconds(5))));
    controller.load(fragile);
    controller.start("fragile", Restart.TRANSIENT);
    Pid sup = controller.whichApplications().getFirst().supervisor();
    Pid worker = Supervisor.whichChildren(sup).getFirst().pid();
    assertThatThrownBy(() -> GenServer.call(worker, "crash")).isInstanceOf(CallException.class);
    await().until(() -> !halts.isEmpty());
    assertThat(halts.getFirst()).contains("application fragile exited: shutdown");
  }

  @Test
  void aStartCallbackThatThrowsFailsTheStartWithTheCause() {
    controller.load(
        ApplicationSpec.of(
            "bad",
            "0.1.0",
            (type, env) -> {
              throw new IllegalStateException("no database");
            }));
    assertThatThrownBy(() -> controller.start("bad", Restart.PERMANENT))
        .hasMessageContaining("bad failed to start")
        .hasRootCauseMessage("no database");
    assertThat(controller.isRunning("bad")).isFalse();
    assertThat(halts).isEmpty();
  }

  @Test
  void aStartThatHangsCanBeWaitedForWithATimeout() {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    controller.load(
        ApplicationSpec.of(
            "slow",
            "0.1.0",
            (type, env) -> {
              release.await();
              throw new IllegalStateException("released");
            }));
    assertThatThrownBy(() -> controller.start("slow", Restart.TEMPORARY, Duration.ofMillis(200)))
        .isInstanceOfSatisfying(
            CallException.class, e -> assertThat(e.kind()).isEqualTo(CallException.Kind.TIMEOUT));
    release.countDown();
    org.awaitility.Awaitility.await().until(() -> controller.whichApplications().isEmpty());
  }

  @Test
  void unloadRefusesARunningApplication() {
    controller.load(app("u"));
    controller.start("u", Restart.TEMPORARY);
    assertThatThrownBy(() -> controller.unload("u"))
        .hasMessageContaining("stop it before unloading");
    controller.stop("u");
    controller.unload("u");
    assertThat(controller.loadedApplications()).isEmpty();
    assertThat(controller.getEnv("u", "greeting")).isEmpty();
  }
}
