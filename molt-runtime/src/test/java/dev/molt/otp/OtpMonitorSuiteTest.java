package dev.molt.otp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Down;
import dev.molt.ExitReason;
import dev.molt.InProcess;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * OTP's {@code erts/emulator/test/monitor_SUITE.erl}, the cases of one node, against {@link
 * Process#monitor} and {@link Process#demonitor}. Each test names the OTP case it ports.
 */
class OtpMonitorSuiteTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static Down expectDown(Ref ref, Pid pid) {
    Down down = Process.receive(Down.class, d -> d.ref() == ref, WAIT).orElseThrow();
    assertThat(down.pid()).isEqualTo(pid);
    return down;
  }

  private static void expectNoMessage() {
    assertThat(Process.receive(Duration.ofMillis(100))).isEmpty();
  }

  private static Pid sleeper() {
    return Process.spawn(() -> Process.receive());
  }

  @Test // case_2: A monitors B, B demonitors A's monitor
  void case2() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid b =
              Process.spawn(
                  () -> {
                    Ref ref = (Ref) Process.receive();
                    Process.send(self, Process.demonitor(ref));
                  });
          Ref ref = Process.monitor(b);
          Process.send(b, ref);
          assertThat(Process.receive(Boolean.class, x -> true, WAIT))
              .as("another process's ref removes nothing")
              .contains(false);
          assertThat(expectDown(ref, b).reason()).isEqualTo(ExitReason.normal());
        });
  }

  @Test // case_2a: the same with spawn_monitor
  void case2a() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Process.Spawned b =
              Process.spawnMonitor(
                  () -> {
                    Ref ref = (Ref) Process.receive();
                    Process.send(self, Process.demonitor(ref));
                  });
          Process.send(b.pid(), b.monitor());
          assertThat(Process.receive(Boolean.class, x -> true, WAIT)).contains(false);
          assertThat(expectDown(b.monitor(), b.pid()).reason()).isEqualTo(ExitReason.normal());
        });
  }

  record Watching(Pid target, Ref ref) {}

  @Test // demon_e_1: demonitor with a ref made by another process removes nothing
  void demonE1() throws Exception {
    InProcess.run(
        () -> {
          Pid self = Process.self();
          Pid p2 =
              Process.spawn(
                  () -> {
                    Pid x = sleeper();
                    Ref ref = Process.monitor(x);
                    Process.send(self, new Watching(x, ref));
                    Process.receive(Down.class, d -> d.ref() == ref, WAIT)
                        .ifPresent(d -> Process.send(self, "down"));
                  });
          Watching theirs = Process.receive(Watching.class, w -> true, WAIT).orElseThrow();
          assertThat(Process.demonitor(theirs.ref())).isFalse();
          // nor from a thread that is no process at all
          Thread thread = Thread.ofPlatform().start(() -> Process.demonitor(theirs.ref()));
          thread.join();
          Process.exit(theirs.target(), ExitReason.kill());
          assertThat(Process.receive("down"::equals, WAIT))
              .as("the monitor of %s still delivers its Down", p2)
              .isPresent();
        });
  }

  @Test // demon_2
  void demon2() throws Exception {
    InProcess.run(
        () -> {
          Ref r1 = Process.monitor(Process.self());
          assertThat(Process.demonitor(r1)).isTrue();
          assertThat(Process.demonitor(r1)).as("an extra demonitor").isFalse();
          expectNoMessage();

          Pid p2 = Process.spawn(() -> {});
          Ref r2 = Process.monitor(p2);
          assertThat(expectDown(r2, p2).reason()).isIn(ExitReason.normal(), ExitReason.noproc());

          Pid p4 = sleeper();
          Ref r4 = Process.monitor(p4);
          Process.demonitor(r4);
          Process.exit(p4, ExitReason.of("frop"));
          expectNoMessage();
        });
  }

  @Test // demonitor_flush (one node)
  void demonitorFlush() throws Exception {
    InProcess.run(
        () -> {
          Pid p = sleeper();
          Ref m1 = Process.monitor(p);
          Ref m2 = Process.monitor(p);
          Ref m3 = Process.monitor(p);
          Ref m4 = Process.monitor(p);
          Process.demonitorFlush(m1);
          Process.exit(p, ExitReason.of("bang"));
          // every Down of that death is in this mailbox already: exit/2 delivers them before it
          // returns, so the flush below has one to remove
          assertThat(expectDown(m2, p).reason()).isEqualTo(ExitReason.of("bang"));
          Process.demonitorFlush(m3);
          Process.demonitor(m4);
          assertThat(expectDown(m4, p).reason()).isEqualTo(ExitReason.of("bang"));
          assertThat(
                  Process.receive(
                      Down.class, d -> d.ref() == m1 || d.ref() == m3, Duration.ofMillis(100)))
              .isEmpty();
        });
  }

  @Test // mon_1 (the unnamed half: monitors by name are not supported yet)
  void mon1() throws Exception {
    InProcess.run(
        () -> {
          Pid p2 = Process.spawn(() -> {});
          Ref r2 = Process.monitor(p2);
          assertThat(expectDown(r2, p2).reason()).isIn(ExitReason.normal(), ExitReason.noproc());
          Process.Spawned p2a = Process.spawnMonitor(() -> {});
          assertThat(expectDown(p2a.monitor(), p2a.pid()).reason()).isEqualTo(ExitReason.normal());

          Pid p3 = sleeper();
          Ref r3 = Process.monitor(p3);
          Process.exit(p3, ExitReason.of("frop"));
          assertThat(expectDown(r3, p3).reason()).isEqualTo(ExitReason.of("frop"));

          Ref r4 = Process.monitor(p3);
          assertThat(expectDown(r4, p3).reason())
              .as("a dead process")
              .isEqualTo(ExitReason.noproc());
        });
  }

  @Test // mon_1, the named half: a monitor by registered name, and on a name nobody holds
  void mon1Named() throws Exception {
    InProcess.run(
        () -> {
          Pid p5 = Process.spawn(() -> Process.receive());
          Process.register("jeeves", p5);
          Ref r5 = Process.monitor("jeeves");
          Process.send(p5, "stop");
          Down d5 = expectDown(r5, p5);
          assertThat(d5.name()).isEqualTo("jeeves");
          assertThat(d5.reason()).isEqualTo(ExitReason.normal());

          Pid p6 = sleeper();
          Process.register("jeeves", p6);
          Ref r6 = Process.monitor("jeeves");
          Process.exit(p6, ExitReason.of("frop"));
          Down d6 = expectDown(r6, p6);
          assertThat(d6.name()).isEqualTo("jeeves");
          assertThat(d6.reason()).isEqualTo(ExitReason.of("frop"));

          // the process is dead and the name free: noproc at once, with no pid
          Ref r7 = Process.monitor("jeeves");
          Down d7 = Process.receive(Down.class, d -> d.ref() == r7, WAIT).orElseThrow();
          assertThat(d7.pid()).isNull();
          assertThat(d7.name()).isEqualTo("jeeves");
          assertThat(d7.reason()).isEqualTo(ExitReason.noproc());
          assertThat(Process.demonitor(r7)).isFalse();
        });
  }

  @Test // named_down: a monitor by name follows the process, not the name
  void namedDown() throws Exception {
    InProcess.run(
        () -> {
          Pid p = sleeper();
          Process.register("named_down", p);
          Ref ref = Process.monitor("named_down");
          Process.unregister("named_down");
          Pid other = sleeper();
          Process.register("named_down", other);
          Process.exit(p, ExitReason.of("gone"));
          Down down = expectDown(ref, p);
          assertThat(down.name()).isEqualTo("named_down");
          assertThat(Process.isAlive(other)).isTrue();
          Process.exit(other, ExitReason.kill());
        });
  }

  @Test // case_1: A monitors B, B kills A and then exits
  void case1() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid a =
              Process.spawnLink(
                  () -> {
                    Pid parent = Process.self();
                    Pid b =
                        Process.spawn(
                            () -> {
                              Process.receive("ok"::equals, WAIT);
                              Process.exit(parent, ExitReason.of("foo"));
                            });
                    Process.monitor(b);
                    Process.send(b, "ok");
                    Process.receive("ok"::equals, WAIT);
                  });
          assertThat(
                  Process.receive(dev.molt.Exit.class, e -> e.from().equals(a), WAIT)
                      .orElseThrow()
                      .reason())
              .isEqualTo(ExitReason.of("foo"));
        });
  }

  @Test // case_1a: the same with spawn_monitor
  void case1a() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          Pid a =
              Process.spawnLink(
                  () -> {
                    Pid parent = Process.self();
                    Process.Spawned b =
                        Process.spawnMonitor(
                            () -> {
                              Process.receive("ok"::equals, WAIT);
                              Process.exit(parent, ExitReason.of("foo"));
                            });
                    Process.send(b.pid(), "ok");
                    Process.receive("ok"::equals, WAIT);
                  });
          assertThat(
                  Process.receive(dev.molt.Exit.class, e -> e.from().equals(a), WAIT)
                      .orElseThrow()
                      .reason())
              .isEqualTo(ExitReason.of("foo"));
        });
  }

  @Test // large_exit: a large exit reason reaches the monitor, 100 times
  void largeExit() throws Exception {
    InProcess.run(
        () -> {
          for (int i = 0; i < 100; i++) {
            ExitReason large = ExitReason.of(java.util.Collections.nCopies(10_000, "big"));
            Pid p = Process.spawn(() -> Process.receive("hej"::equals, WAIT));
            Ref ref = Process.monitor(p);
            Process.exit(p, large);
            assertThat(expectDown(ref, p).reason()).isEqualTo(large);
          }
        });
  }

  @Test // local_remove_monitor: demonitor says whether it removed the monitor; if not, Down came
  void localRemoveMonitor() throws Exception {
    InProcess.run(
        () -> {
          for (int i = 0; i < 1000; i++) {
            Pid p = Process.spawn(() -> {});
            Ref ref = Process.monitor(p);
            if (Process.demonitor(ref)) {
              assertThat(Process.receive(Down.class, d -> d.ref() == ref, Duration.ZERO))
                  .as("removed: no Down")
                  .isEmpty();
            } else {
              assertThat(Process.receive(Down.class, d -> d.ref() == ref, WAIT))
                  .as("not removed: its Down is there")
                  .isPresent();
            }
          }
        });
  }

  @Test // mixer: links and monitors both ways among many processes, all ended; each gets its own
  void mixer() throws Exception {
    InProcess.run(
        () -> {
          Process.trapExit(true);
          java.util.List<Pid> pids = new java.util.ArrayList<>();
          for (int i = 0; i < 50; i++) {
            pids.add(Process.spawn(() -> Process.receive("stop"::equals, Process.INFINITY)));
          }
          java.util.Map<Ref, Pid> refs = new java.util.HashMap<>();
          for (Pid p : pids) {
            Process.link(p);
            refs.put(Process.monitor(p), p);
            refs.put(Process.monitor(p), p);
          }
          for (Pid p : pids) {
            Process.send(p, "stop");
          }
          for (var e : refs.entrySet()) {
            assertThat(expectDown(e.getKey(), e.getValue()).reason())
                .isEqualTo(ExitReason.normal());
          }
          for (Pid p : pids) {
            assertThat(
                    Process.receive(dev.molt.Exit.class, x -> x.from().equals(p), WAIT)
                        .orElseThrow()
                        .reason())
                .isEqualTo(ExitReason.normal());
          }
          expectNoMessage();
        });
  }
}
