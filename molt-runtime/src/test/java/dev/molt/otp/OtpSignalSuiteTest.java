package dev.molt.otp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Down;
import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.InProcess;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * OTP's {@code erts/emulator/test/signal_SUITE.erl}, the cases of one node, against exit signals,
 * links and monitors, and the order in which a dying process tells them. Each test names the OTP
 * case it ports.
 */
class OtpSignalSuiteTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test // xm_sig_order: messages sent after an exit signal never reach the process
  void xmSigOrder() throws Exception {
    InProcess.run(
        () -> {
          for (int i = 0; i < 1000; i++) {
            Pid p =
                Process.spawn(
                    () -> {
                      while (true) {
                        Optional<Object> m = Process.receive(Duration.ZERO);
                        if (m.isPresent() && m.get().equals("may_not_reach")) {
                          throw Process.exit(ExitReason.of("bad_signal_order"));
                        }
                        if (m.isEmpty()) {
                          Thread.yield();
                        }
                      }
                    });
            Ref ref = Process.monitor(p);
            for (int k = 0; k < 3; k++) {
              Process.send(p, "may_reach");
            }
            Process.exit(p, ExitReason.of("good_signal_order"));
            for (int k = 0; k < 3; k++) {
              Process.send(p, "may_not_reach");
            }
            Down down = Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
            assertThat(down.reason()).isEqualTo(ExitReason.of("good_signal_order"));
          }
        });
  }

  enum Kill {
    /** The end of the line is killed by another process: {@code exit(EOL, kill)}. */
    OTHER_EXIT2,
    /** It kills itself with {@code exit(self(), kill)}. */
    EXIT2,
    /** It ends itself with {@code exit(kill)}: its links are sent {@code kill}, not killed. */
    EXIT1
  }

  record EndOfLine(Pid pid) {}

  /** OTP's {@code spawn_link_line}: a chain of {@code n} linked processes, then its end. */
  private static Pid spawnLinkLine(Kill type, int n, Pid tester) {
    return Process.spawnLink(
        () -> {
          if (n > 0) {
            spawnLinkLine(type, n - 1, tester);
            Process.receive(o -> false, Process.INFINITY);
          }
          switch (type) {
            case OTHER_EXIT2 -> {
              Process.send(tester, new EndOfLine(Process.self()));
              Process.receive(o -> false, Process.INFINITY);
            }
            case EXIT1 -> throw Process.exit(ExitReason.kill());
            case EXIT2 -> Process.exit(Process.self(), ExitReason.kill());
          }
        });
  }

  @Test // kill2killed (one node)
  void kill2killed() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          for (Kill type : Kill.values()) {
            for (int n : new int[] {1, 2, 9, 10}) {
              Pid p = spawnLinkLine(type, n, Process.self());
              if (type == Kill.OTHER_EXIT2) {
                Pid end = Process.receive(EndOfLine.class, e -> true, WAIT).orElseThrow().pid();
                Process.exit(end, ExitReason.kill());
              }
              Exit exit = Process.receive(Exit.class, e -> e.from().equals(p), WAIT).orElseThrow();
              assertThat(exit.reason())
                  .as("%s, a line of %d", type, n)
                  .isEqualTo(type == Kill.EXIT1 ? ExitReason.kill() : ExitReason.killed());
            }
          }
        });
  }

  @Test // unlink_exit: a link to a process that unlinked and ended gives noproc or its reason
  void unlinkExit() throws Exception {
    InProcess.run(
        () -> {
          Pid tester = Process.self();
          for (int i = 0; i < 1000; i++) {
            Process.Spawned parent =
                Process.spawnMonitor(
                    () -> {
                      Pid child =
                          Process.spawnLink(
                              () -> {
                                Process.trapExit(true);
                                Process.send(tester, "child");
                                Pid p = (Pid) Process.receive();
                                Process.send(p, "go");
                                Process.receive("go"::equals, WAIT);
                                boolean alive = Process.isAlive(p);
                                Process.link(p);
                                Exit exit =
                                    Process.receive(
                                            Exit.class,
                                            e -> e.from().equals(p),
                                            Duration.ofSeconds(1))
                                        .orElseThrow();
                                boolean ok =
                                    alive
                                        ? exit.reason().equals(ExitReason.noproc())
                                            || exit.reason().equals(ExitReason.of("bye"))
                                        : exit.reason().equals(ExitReason.noproc());
                                throw Process.exit(ok ? ExitReason.of("ok") : exit.reason());
                              });
                      Process.receive("go"::equals, WAIT);
                      Process.unlink(child);
                      Process.send(child, "go");
                      throw Process.exit(ExitReason.of("bye"));
                    });
            Process.receive("child"::equals, WAIT).orElseThrow();
            Pid child =
                Process.processes().stream()
                    .filter(p -> Process.isLinked(p, parent.pid()))
                    .findFirst()
                    .orElseThrow();
            Ref childRef = Process.monitor(child);
            Process.send(child, parent.pid());
            Down parentDown =
                Process.receive(Down.class, d -> d.ref() == parent.monitor(), WAIT).orElseThrow();
            assertThat(parentDown.reason()).isEqualTo(ExitReason.of("bye"));
            Down childDown =
                Process.receive(Down.class, d -> d.ref() == childRef, WAIT).orElseThrow();
            assertThat(childDown.reason()).isEqualTo(ExitReason.of("ok"));
          }
        });
  }

  @Test // (the ordering guarantee) a dying process's EXIT is not overtaken by its DOWNs
  void aDyingProcessesExitToALinkComesBeforeItsDown() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          for (int i = 0; i < 1000; i++) {
            Pid child = Process.spawnLink(() -> Process.receive());
            Ref ref = Process.monitor(child);
            Process.exit(child, ExitReason.of("boom"));
            Object first =
                Process.receive(m -> m instanceof Exit || m instanceof Down, WAIT).orElseThrow();
            assertThat(first).as("round %d", i).isInstanceOf(Exit.class);
            assertThat(Process.receive(Down.class, d -> d.ref() == ref, WAIT)).isPresent();
          }
        });
  }

  record Sent(Pid from, Ref ref, String which) {}

  @Test // monitor_order: messages a process sent before it ended arrive before its Down
  void monitorOrder() throws Exception {
    monitorOrder(false);
  }

  @Test // monitor_named_order_local: the same with a monitor by name
  void monitorNamedOrderLocal() throws Exception {
    monitorOrder(true);
  }

  private static void monitorOrder(boolean named) throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          for (int i = 0; i < 1000; i++) {
            Pid pid =
                Process.spawn(
                    () -> {
                      Ref ref = (Ref) Process.receive();
                      Process.send(self, new Sent(Process.self(), ref, "first"));
                      Process.send(self, new Sent(Process.self(), ref, "second"));
                    });
            Ref ref;
            if (named) {
              Process.register("monitor_named_order", pid);
              ref = Process.monitor("monitor_named_order");
            } else {
              ref = Process.monitor(pid);
            }
            Process.send(pid, ref);
            Object first =
                Process.receive(
                        m ->
                            (m instanceof Down d && d.ref() == ref)
                                || (m instanceof Sent sent && sent.ref() == ref),
                        WAIT)
                    .orElseThrow();
            assertThat(first).as("round %d", i).isInstanceOf(Sent.class);
            assertThat(Process.receive(Sent.class, m -> m.ref() == ref, WAIT)).isPresent();
            assertThat(Process.receive(Down.class, d -> d.ref() == ref, WAIT)).isPresent();
          }
        });
  }
}
