package dev.molt.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Sources;
import dev.molt.behaviour.GenServer;
import dev.molt.sys.ProcessStatus;
import dev.molt.sys.Sys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four clients call without pause while a hundred versions of the server are loaded and migrated.
 */
class SwitchUnderLoadTest {
  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void noCallFailsAndEveryReplyIsRightAcrossAHundredVersions() throws Exception {
    String module = "underload";
    String pkg = "test.underload";
    Path classes =
        Sources.classes(
            dir.resolve("src"),
            dir.resolve("classes"),
            Map.of(
                pkg + ".Server",
                Sources.server(
                        pkg,
                        "record State(long calls) {}",
                        "new State(0)",
                        "java.util.List.of(state.calls() + 1, getClass().getClassLoader().getName())")
                    .replace(
                        "return new Reply<>(java.util.List.of(state.calls() + 1, getClass().getClassLoader().getName()), state);",
                        "return new Reply<>(java.util.List.of(state.calls() + 1, getClass().getClassLoader().getName()), new State(state.calls() + 1));")));
    ModuleSource source = ModuleSource.directory(module, classes);
    int first = CodeServer.load(source).loaded().getFirst().version();
    Pid server =
        GenServer.start(
            CodeServer.newInstance(
                CodeServer.currentClass(pkg + ".Server").orElseThrow(), GenServer.class),
            null);

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong calls = new AtomicLong();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(4);
    for (int c = 0; c < 4; c++) {
      Process.spawn(
          () -> {
            long lastCount = 0;
            int lastVersion = 0;
            try {
              while (!stop.get()) {
                List<Object> reply = (List<Object>) GenServer.call(server, "next");
                long count = (Long) reply.get(0);
                int version =
                    Integer.parseInt(((String) reply.get(1)).substring(module.length() + 1));
                if (count <= lastCount || version < lastVersion) {
                  wrong.add(
                      "count "
                          + lastCount
                          + " -> "
                          + count
                          + ", version "
                          + lastVersion
                          + " -> "
                          + version);
                }
                lastCount = count;
                lastVersion = version;
                calls.incrementAndGet();
              }
            } catch (RuntimeException e) {
              wrong.add("call failed: " + e);
            } finally {
              done.countDown();
            }
          });
    }

    for (int i = 1; i <= 100; i++) {
      await()
          .pollInterval(Duration.ofMillis(1))
          .until(() -> CodeServer.oldProcesses(module).isEmpty());
      CodeServer.softPurge(module);
      CodeServer.load(source);
    }
    await()
        .pollInterval(Duration.ofMillis(1))
        .until(() -> CodeServer.oldProcesses(module).isEmpty());
    stop.set(true);
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

    assertThat(wrong).isEmpty();
    ProcessStatus status = Sys.getStatus(server);
    assertThat(status.version()).isEqualTo(first + 100);
    assertThat(Sys.statistics(server).codeChanges()).isEqualTo(100);
    long served = (Long) status.state().getClass().getMethod("calls").invoke(status.state());
    assertThat(served).as("no call lost across 100 migrations").isEqualTo(calls.get());
    GenServer.stop(server);
  }
}
