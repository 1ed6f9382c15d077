package dev.molt.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.ExitReason;
import dev.molt.InProcess;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Sources;
import dev.molt.behaviour.ChildInfo;
import dev.molt.behaviour.ChildShutdown;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.StartException;
import dev.molt.behaviour.Supervisor;
import dev.molt.behaviour.SupervisorCallback;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import dev.molt.internal.upgrade.Upgrade;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor behaviour of OTP's {@code supervisor_SUITE.erl}: a module's {@code init} callback
 * gives the supervisor its children ({@code sup_start_ignore_init}, {@code sup_start_fail}), and an
 * upgrade of that module updates them ({@code code_change}, {@code code_change_simple}), with real
 * class loaders.
 */
class OtpSupervisorBehaviourTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final String module = "supmod" + NAMES.incrementAndGet();
  private final String pkg = "test.otp." + module;

  /**
   * Version {@code n}: child {@code a} with a shutdown of {@code n} seconds; from version 2 also a
   * child {@code b}. Its init argument says ignore, fail, or gives a strategy.
   */
  private ModuleSource version(int n) throws IOException {
    String sup =
        """
        package %1$s;
        import dev.molt.behaviour.*;
        import java.time.Duration;
        import java.util.ArrayList;
        import java.util.List;
        public final class Sup implements SupervisorCallback {
          public SupervisorSpec init(Object arg) {
            if ("ignore".equals(arg)) { return null; }
            if ("fail".equals(arg)) { throw new IllegalStateException("badmatch"); }
            RestartStrategy strategy = RestartStrategy.valueOf((String) arg);
            List<ChildSpec> children = new ArrayList<>();
            children.add(ChildSpec.worker("a", args -> GenServer.startLink(new Server(), null))
                .withShutdown(ChildShutdown.timeout(Duration.ofSeconds(%2$d))));
            if (%2$d >= 2 && strategy != RestartStrategy.SIMPLE_ONE_FOR_ONE) {
              children.add(ChildSpec.worker("b", args -> GenServer.startLink(new Server(), null)));
            }
            return new SupervisorSpec(strategy, 3, Duration.ofSeconds(10), children, System::nanoTime);
          }
        }
        """
            .formatted(pkg, n);
    return ModuleSource.sources(
        module,
        Sources.write(
            dir.resolve("v" + n),
            Map.of(
                pkg + ".Sup",
                sup,
                pkg + ".Server",
                Sources.server(pkg, "record State(int n) {}", "new State(0)", "\"v" + n + "\""))));
  }

  private SupervisorCallback callback() {
    return CodeServer.newInstance(
        CodeServer.currentClass(pkg + ".Sup").orElseThrow(), SupervisorCallback.class);
  }

  @Test // sup_start_ignore_init
  void supStartIgnoreInit() throws Exception {
    CodeServer.load(version(1));
    InProcess.run(() -> assertThat(Supervisor.startLink(null, callback(), "ignore")).isNull());
  }

  @Test // sup_start_fail
  void supStartFail() throws Exception {
    CodeServer.load(version(1));
    InProcess.run(
        () -> {
          Process.trapExit(true);
          assertThatThrownBy(() -> Supervisor.startLink(null, callback(), "fail"))
              .isInstanceOf(StartException.class)
              .hasMessageContaining("badmatch");
        });
  }

  @Test // code_change: the new init's specs apply; a new child is added, not started
  void codeChange() throws Exception {
    CodeServer.load(version(1));
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid sup = Supervisor.startLink(null, callback(), "ONE_FOR_ONE");
          Pid a = Supervisor.whichChild(sup, "a").orElseThrow().pid();
          assertThat(CodeServer.servers(module)).contains(sup, a);
          assertThat(Supervisor.getChildSpec(sup, "a").orElseThrow().shutdown())
              .isEqualTo(ChildShutdown.timeout(Duration.ofSeconds(1)));

          CodeServer.load(version(2));
          assertThat(Upgrade.moveOldProcesses(module, WAIT, WAIT)).isEmpty();

          assertThat(Supervisor.getChildSpec(sup, "a").orElseThrow().shutdown())
              .as("the new init's spec")
              .isEqualTo(ChildShutdown.timeout(Duration.ofSeconds(2)));
          assertThat(Supervisor.whichChild(sup, "a").orElseThrow().pid())
              .as("a running child keeps running")
              .isEqualTo(a);
          assertThat(GenServer.call(a, "which")).isEqualTo("v2");
          assertThat(Supervisor.whichChild(sup, "b").orElseThrow().pid())
              .as("a child new in the spec is added, not started")
              .isNull();
          Pid b = Supervisor.restartChild(sup, "b");
          assertThat(GenServer.call(b, "which")).isEqualTo("v2");
          assertThat(CodeServer.oldProcesses(module)).isEmpty();
          assertThat(CodeServer.softPurge(module)).as("nothing holds v1").isTrue();
          Supervisor.stop(sup, ExitReason.shutdown(), WAIT);
        });
  }

  @Test // code_change: a running child the new init no longer names refuses the change
  void codeChangeRefusedForARunningChildThatIsGone() throws Exception {
    CodeServer.load(version(2));
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid sup = Supervisor.startLink(null, callback(), "ONE_FOR_ONE");
          assertThat(Supervisor.whichChild(sup, "b").orElseThrow().pid()).isNotNull();
          // the sources of version 1 again, loaded as the next version: no child b
          CodeServer.load(version(1));
          Map<Pid, RuntimeException> stayed = Upgrade.moveOldProcesses(module, WAIT, WAIT);
          assertThat(stayed).containsKey(sup);
          assertThat(stayed.get(sup)).hasMessageContaining("child b runs but is not among");
          assertThat(Supervisor.whichChildren(sup))
              .extracting(ChildInfo::id)
              .as("nothing changed")
              .containsExactly("a", "b");
          Supervisor.terminateChild(sup, "b");
          Supervisor.deleteChild(sup, "b");
          assertThat(Upgrade.moveOldProcesses(module, WAIT, WAIT)).doesNotContainKey(sup);
          assertThat(Supervisor.whichChildren(sup)).extracting(ChildInfo::id).containsExactly("a");
          Supervisor.stop(sup, ExitReason.shutdown(), WAIT);
        });
  }

  @Test // code_change_simple: a SIMPLE_ONE_FOR_ONE supervisor's template changes
  void codeChangeSimple() throws Exception {
    CodeServer.load(version(1));
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid sup = Supervisor.startLink(null, callback(), "SIMPLE_ONE_FOR_ONE");
          Pid c = Supervisor.startChild(sup, java.util.List.of());
          CodeServer.load(version(2));
          assertThat(Upgrade.moveOldProcesses(module, WAIT, WAIT)).isEmpty();
          assertThat(Supervisor.getChildSpec(sup, c).orElseThrow().shutdown())
              .isEqualTo(ChildShutdown.timeout(Duration.ofSeconds(2)));
          Supervisor.stop(sup, ExitReason.shutdown(), WAIT);
        });
  }
}
