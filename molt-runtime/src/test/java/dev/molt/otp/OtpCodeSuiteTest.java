package dev.molt.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.molt.Down;
import dev.molt.ExitReason;
import dev.molt.InProcess;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.ProcessBody;
import dev.molt.Ref;
import dev.molt.Sources;
import dev.molt.code.CodeException;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The purge cases of OTP's {@code lib/kernel/test/code_SUITE.erl}, for processes that are not
 * servers: a plain process spawned from a module's function, and one started from a module's own
 * {@link ProcessBody} class. Each test names the OTP case it ports.
 */
class OtpCodeSuiteTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final String module = "purgemod" + NAMES.incrementAndGet();
  private final String pkg = "test.otp." + module;

  /**
   * A module with a loop spawned from its own code ({@code Spawner.get()} spawns a lambda written
   * in the module) and a {@link ProcessBody} class of its own ({@code Loop}).
   */
  private ModuleSource version(int n) throws IOException {
    String spawner =
        """
        package %s;
        import dev.molt.Pid;
        import dev.molt.Process;
        public final class Spawner implements java.util.function.Supplier<Pid> {
          public static final int VERSION = %d;
          public Pid get() {
            return Process.spawn(() -> { while (true) { Process.receive(); } });
          }
        }
        """
            .formatted(pkg, n);
    String loop =
        """
        package %s;
        import dev.molt.Process;
        import dev.molt.ProcessBody;
        public final class Loop implements ProcessBody {
          public void run() { while (true) { Process.receive(); } }
        }
        """
            .formatted(pkg);
    return ModuleSource.sources(
        module,
        Sources.write(
            dir.resolve("v" + n),
            Map.of(
                pkg + ".Spawner",
                spawner,
                pkg + ".Loop",
                loop,
                pkg + ".Server",
                Sources.server(pkg, "record State(int n) {}", "new State(0)", "\"v" + n + "\""))));
  }

  @SuppressWarnings("unchecked")
  private Pid spawnFromModuleFunction() {
    Class<?> spawner = CodeServer.currentClass(pkg + ".Spawner").orElseThrow();
    return ((Supplier<Pid>) CodeServer.newInstance(spawner, Supplier.class)).get();
  }

  private Pid spawnModuleBody() {
    return Process.spawn(
        CodeServer.newInstance(
            CodeServer.currentClass(pkg + ".Loop").orElseThrow(), ProcessBody.class));
  }

  @Test // purge (a process spawned from old code is killed by a purge) and soft_purge
  void aPlainProcessSpawnedFromAModuleFunctionIsAnOldProcessAndAPurgeKillsIt() throws Exception {
    CodeServer.load(version(1));
    Pid plain = spawnFromModuleFunction();
    assertThat(CodeServer.processes(module)).contains(plain);
    assertThat(CodeServer.servers(module))
        .as("not a server: not suspended by an upgrade")
        .isEmpty();

    CodeServer.load(version(2));
    assertThat(CodeServer.oldProcesses(module)).containsExactly(plain);
    assertThatThrownBy(() -> CodeServer.softPurge(module))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.IN_USE));
    assertThat(Process.isAlive(plain)).isTrue();

    InProcess.run(
        () -> {
          Ref ref = Process.monitor(plain);
          assertThat(CodeServer.purge(module)).isTrue();
          Down down = Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
          assertThat(down.reason()).isEqualTo(ExitReason.killed());
        });
    assertThat(CodeServer.oldProcesses(module)).isEmpty();
  }

  @Test // soft_purge: allowed once the old process has ended
  void aSoftPurgeSucceedsOnceThePlainProcessEnds() throws Exception {
    CodeServer.load(version(1));
    Pid plain = spawnModuleBody();
    assertThat(CodeServer.processes(module)).containsExactly(plain);
    CodeServer.load(version(2));
    assertThat(CodeServer.oldProcesses(module)).containsExactly(plain);
    assertThatThrownBy(() -> CodeServer.softPurge(module)).isInstanceOf(CodeException.class);
    Process.exit(plain, ExitReason.kill());
    await().atMost(WAIT).until(() -> CodeServer.oldProcesses(module).isEmpty());
    assertThat(CodeServer.softPurge(module)).isTrue();
  }

  @Test // a process on the current code is not old, and one started after the load is on the new
  void processesStartedOnTheNewVersionAreNotOld() throws Exception {
    CodeServer.load(version(1));
    Pid onOne = spawnModuleBody();
    CodeServer.load(version(2));
    Pid onTwo = spawnModuleBody();
    assertThat(CodeServer.processes(module)).containsExactly(onTwo);
    assertThat(CodeServer.oldProcesses(module)).containsExactly(onOne);
    Process.exit(onOne, ExitReason.kill());
    Process.exit(onTwo, ExitReason.kill());
    await().atMost(WAIT).until(() -> CodeServer.processes(module).isEmpty());
  }

  @Test // a plain process that is not module code is never an old process
  void aProcessWhoseBodyIsNotModuleCodeRunsNoModule() throws Exception {
    CodeServer.load(version(1));
    Pid outside = Process.spawn(() -> Process.receive());
    CodeServer.load(version(2));
    assertThat(CodeServer.oldProcesses(module)).doesNotContain(outside);
    assertThat(CodeServer.softPurge(module)).isTrue();
    assertThat(Process.isAlive(outside)).isTrue();
    Process.exit(outside, ExitReason.kill());
  }

  @Test // an upgrade moves the servers of a module and leaves its plain processes on the old code
  @SuppressWarnings("unchecked")
  void movingOldProcessesMovesServersAndSaysWhyAPlainProcessStays() throws Exception {
    CodeServer.load(version(1));
    Pid server =
        dev.molt.behaviour.GenServer.start(
            CodeServer.newInstance(
                CodeServer.currentClass(pkg + ".Server").orElseThrow(),
                dev.molt.behaviour.GenServer.class),
            null);
    Pid plain = spawnModuleBody();
    assertThat(CodeServer.servers(module)).containsExactly(server);
    CodeServer.load(version(2));
    Map<Pid, RuntimeException> stayed =
        dev.molt.internal.upgrade.Upgrade.moveOldProcesses(module, WAIT, WAIT);
    assertThat(stayed).containsOnlyKeys(plain);
    assertThat(stayed.get(plain)).hasMessageContaining("a plain process cannot change its code");
    assertThat(dev.molt.behaviour.GenServer.call(server, "which")).isEqualTo("v2");
    assertThat(CodeServer.oldProcesses(module)).containsExactly(plain);
    Process.exit(plain, ExitReason.kill());
    dev.molt.behaviour.GenServer.stop(server);
  }

  @Test // purge_many_exits: a purge while many old processes end on their own
  void purgeManyExits() throws Exception {
    CodeServer.load(version(1));
    java.util.List<Pid> plain = new java.util.ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      plain.add(spawnModuleBody());
    }
    CodeServer.load(version(2));
    assertThat(CodeServer.oldProcesses(module)).hasSize(1000);
    Thread exits =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < plain.size(); i += 2) {
                    Process.exit(plain.get(i), ExitReason.of("bye"));
                  }
                });
    assertThat(CodeServer.purge(module)).isTrue();
    exits.join();
    await().atMost(WAIT).until(() -> plain.stream().noneMatch(Process::isAlive));
    assertThat(CodeServer.oldProcesses(module)).isEmpty();
    assertThat(CodeServer.softPurge(module)).as("nothing old is left").isFalse();
  }
}
