package dev.molt.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.InProcess;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.ProcessExit;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The link and exit-signal cases of OTP's {@code erts/emulator/test/process_SUITE.erl}, against
 * {@link Process}. Each test names the OTP case it ports.
 */
class OtpProcessSuiteTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** OTP's {@code kb_128()}: a large exit reason. */
  private static ExitReason garbage() {
    return ExitReason.of(Collections.nCopies(16_384, "eight bytes"));
  }

  private static Exit exitFrom(Pid pid) {
    return Process.receive(Exit.class, e -> e.from().equals(pid), WAIT)
        .orElseThrow(() -> new AssertionError("no EXIT from " + pid));
  }

  @Test // t_exit_1: exit/1 with a large reason reaches the link
  void tExit1() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          ExitReason garbage = garbage();
          Pid pid = Process.spawnLink(() -> Process.exit(garbage));
          assertThat(exitFrom(pid).reason()).isEqualTo(garbage);
        });
  }

  @Test // t_exit_2_other: exit/2 with a large reason, ten times
  void tExit2Other() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          for (int i = 0; i < 10; i++) {
            Pid pid = Process.spawnLink(() -> Process.receive("x"::equals, Process.INFINITY));
            ExitReason garbage = garbage();
            Process.exit(pid, garbage);
            assertThat(exitFrom(pid).reason()).isEqualTo(garbage);
          }
        });
  }

  @Test // t_exit_2_other_normal: exit(Pid, normal) does not kill another process
  void tExit2OtherNormal() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid pid = Process.spawnLink(() -> Process.receive("x"::equals, Process.INFINITY));
          Process.exit(pid, ExitReason.normal());
          assertThat(Process.receive(Exit.class, e -> e.from().equals(pid), Duration.ofSeconds(1)))
              .isEmpty();
          assertThat(Process.isAlive(pid)).isTrue();
          Process.exit(pid, ExitReason.kill());
        });
  }

  @Test // self_exit: a process that traps exits gets its own exit/2 as a message
  void selfExit() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          for (int i = 0; i < 200; i++) {
            ExitReason garbage = ExitReason.of(List.of("eight_kb", i));
            Pid self = Process.self();
            Process.exit(self, garbage);
            assertThat(exitFrom(self).reason()).isEqualTo(garbage);
          }
        });
  }

  @Test // normal_suicide_exit: exit(self(), normal) ends a process that does not trap exits
  void normalSuicideExit() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid pid =
              Process.spawnLink(
                  () -> {
                    Process.exit(Process.self(), ExitReason.normal());
                    Process.receive(o -> false, Process.INFINITY);
                  });
          assertThat(exitFrom(pid).reason()).isEqualTo(ExitReason.normal());
        });
  }

  @Test // abnormal_suicide_exit
  void abnormalSuicideExit() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          ExitReason garbage = garbage();
          Pid pid = Process.spawnLink(() -> Process.exit(Process.self(), garbage));
          assertThat(exitFrom(pid).reason()).isEqualTo(garbage);
        });
  }

  @Test // t_exit_2_catch: exit(self(), die) cannot be caught
  void tExit2Catch() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid pid =
              Process.spawnLink(
                  () -> {
                    try {
                      Process.exit(Process.self(), ExitReason.of("die"));
                    } catch (ProcessExit caught) {
                      // caught; but the process is already dead, with die
                    }
                  });
          assertThat(exitFrom(pid).reason()).isEqualTo(ExitReason.of("die"));
        });
  }

  @Test // trap_exit_badarg: a crash reaches the link with its exception
  void trapExitBadarg() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          for (int i = 0; i < 10; i++) {
            Pid pid =
                Process.spawnLink(
                    () -> {
                      throw new IllegalArgumentException("badarg");
                    });
            ExitReason reason = exitFrom(pid).reason();
            assertThat(reason.cause()).isInstanceOf(IllegalArgumentException.class);
            assertThat(reason.cause().getStackTrace()[0].getClassName())
                .startsWith(OtpProcessSuiteTest.class.getName());
          }
        });
  }

  @Test // exit_and_timeout: an exit signal to a process waiting in a timed receive
  void exitAndTimeout() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid tester = Process.self();
          Pid low =
              Process.spawnLink(
                  () -> {
                    Process.send(tester, "waiting");
                    Process.receive(o -> false, Duration.ofMillis(2500));
                    Process.receive(Duration.ofSeconds(1));
                  });
          Process.receive("waiting"::equals, WAIT).orElseThrow();
          Pid high =
              Process.spawnLink(
                  () -> Process.exit(low, ExitReason.of(List.of("you", "are", "dead"))));
          assertThat(exitFrom(low).reason())
              .isEqualTo(ExitReason.of(List.of("you", "are", "dead")));
          assertThat(exitFrom(high).reason()).isEqualTo(ExitReason.normal());
        });
  }

  @Test // exit_twice: the second exit signal to a process is ignored
  void exitTwice() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid low =
              Process.spawnLink(
                  () -> {
                    while (true) {
                      Thread.onSpinWait();
                      Process.receive(Duration.ZERO);
                    }
                  });
          Process.spawnLink(
              () -> {
                Process.exit(low, ExitReason.of("first"));
                Process.exit(low, ExitReason.of("second"));
              });
          assertThat(exitFrom(low).reason()).isEqualTo(ExitReason.of("first"));
        });
  }

  @Test // bad_register: registering a dead process or a taken name fails with a reason
  void badRegister() throws Exception {
    InProcess.run(
        () -> {
          Pid dead = Process.spawn(() -> {});
          org.awaitility.Awaitility.await().until(() -> !Process.isAlive(dead));
          assertThatThrownBy(() -> Process.register("bad_register", dead))
              .hasMessageContaining("not alive");
          Process.register("bad_register", Process.self());
          Pid other = Process.spawn(() -> Process.receive());
          assertThatThrownBy(() -> Process.register("bad_register", other))
              .hasMessageContaining("already registered");
          Process.exit(other, ExitReason.kill());
        });
  }

  @Test // (a newcomer's finding) a killed process sends nothing after its death
  void aKilledProcessSendsNothingAfterItsDeath() throws Exception {
    InProcess.run(
        () -> {
          Pid me = Process.self();
          java.util.concurrent.atomic.AtomicBoolean killed =
              new java.util.concurrent.atomic.AtomicBoolean();
          Pid busy =
              Process.spawn(
                  () -> {
                    while (!killed.get()) {
                      Thread.onSpinWait(); // never receives, never calls
                    }
                    Process.send(me, "sent after its death");
                  });
          Process.exit(busy, ExitReason.kill());
          killed.set(true);
          assertThat(Process.receive("sent after its death"::equals, Duration.ofMillis(500)))
              .isEmpty();
        });
  }

  @Test // (a newcomer's finding) link/1 to a dead process raises noproc in one that does not trap
  void aLinkToADeadProcessEndsOneThatDoesNotTrapExits() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid dead = Process.spawn(() -> {});
          org.awaitility.Awaitility.await().until(() -> !Process.isAlive(dead));
          Pid me = Process.self();
          Pid linker =
              Process.spawnLink(
                  () -> {
                    Process.link(dead);
                    Process.send(me, "carried on");
                  });
          assertThat(exitFrom(linker).reason()).isEqualTo(ExitReason.noproc());
          assertThat(Process.receive("carried on"::equals, Duration.ofMillis(200))).isEmpty();
        });
  }

  @Test // OTP's atoms are the reasons of the same name
  void theAtomsOtpGivesMeaningToAreThoseReasons() {
    assertThat(ExitReason.of("normal")).isEqualTo(ExitReason.normal());
    assertThat(ExitReason.of("shutdown")).isEqualTo(ExitReason.shutdown());
    assertThat(ExitReason.of("kill")).isEqualTo(ExitReason.kill());
    assertThat(ExitReason.of("killed")).isEqualTo(ExitReason.killed());
    assertThat(ExitReason.of("noproc")).isEqualTo(ExitReason.noproc());
  }
}
