package dev.molt.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeException;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import dev.molt.sys.ProcessStatus;
import dev.molt.sys.Sys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The talk's hot-loading session, step by step, against real class loaders: KV v1 (this build's
 * classes, loaded as module kv), the logging patch as v2 and a request counter as v3 (compiled from
 * examples/kv/versions by the code server).
 */
class TalkScenarioTest {
  private static final Path V1 = Path.of("target/classes");
  private static final Path V2 = Path.of("versions/v2/KV.java");
  private static final Path V3 = Path.of("versions/v3/KV.java");

  private Pid kv;

  /** The code server's number for v1 in this test: versions keep counting across tests. */
  private int v1;

  @BeforeEach
  void startV1() {
    v1 = CodeServer.load(ModuleSource.directory("kv", V1)).loaded().getFirst().version();
    kv = KV.startLink();
  }

  @AfterEach
  void unloadKv() {
    GenServer.stop(kv, ExitReason.normal(), Duration.ofSeconds(5));
    CodeServer.purge("kv");
    CodeServer.delete("kv");
    CodeServer.purge("kv");
  }

  @Test
  void suspendLoadChangeCodeResumeKeepsTheStateAndRunsTheNewCode() {
    assertThat(Sys.getStatus(kv).version()).isEqualTo(v1);
    assertThat(KV.get("a")).isNull();
    assertThat(KV.put("a", 42)).isEqualTo("ok");
    assertThat(KV.get("a")).isEqualTo(42);

    CodeServer.load(ModuleSource.sources("kv", V2));
    Sys.suspend(kv);
    Sys.changeCode(kv, "kv", v1, null);
    Sys.resume(kv);

    String log = stderrOf(() -> assertThat(KV.get("a")).isEqualTo(42));
    assertThat(log).contains("dev.molt.examples.kv.KV: Handling get request for a");
    log = stderrOf(() -> assertThat(KV.put("b", 2)).isEqualTo("ok"));
    assertThat(log).contains("dev.molt.examples.kv.KV: Handling put request for b:2");
    ProcessStatus status = Sys.getStatus(kv);
    assertThat(status.version()).isEqualTo(v1 + 1);
    assertThat(status.module()).isEqualTo("kv");
    assertThat(CodeServer.oldProcesses("kv")).isEmpty();
  }

  @Test
  void aPlainLoadSwitchesAtTheNextMessageAndNewComponentsTakeTheirDefault() throws Exception {
    KV.put("a", 42);
    CodeServer.load(ModuleSource.sources("kv", V3));
    assertThat(Sys.getStatus(kv).version()).as("no message yet: still on v1").isEqualTo(v1);
    assertThat(CodeServer.oldProcesses("kv")).containsExactly(kv);

    assertThat(KV.get("a")).isEqualTo(42);
    ProcessStatus status = Sys.getStatus(kv);
    assertThat(status.version()).isEqualTo(v1 + 1);
    assertThat(requests(status.state()))
        .as("counter from @Default(\"0\"), then one request")
        .isEqualTo(1L);
    KV.get("a");
    assertThat(requests(Sys.getState(kv))).isEqualTo(2L);
    assertThat(CodeServer.softPurge("kv")).isTrue();
  }

  @Test
  void aFailingCodeChangeLeavesTheProcessOnItsOldCodeWithItsState(@TempDir Path dir)
      throws IOException {
    KV.put("a", 42);
    Path broken = dir.resolve("KV.java");
    Files.writeString(
        broken,
        Files.readString(V2)
            .replace(
                "public static Object get(String key) {",
                "@Override public State codeChange(Object oldVsn, Object oldState, Object extra) {\n"
                    + "    throw new IllegalStateException(\"cannot migrate from v\" + oldVsn);\n  }\n\n"
                    + "  public static Object get(String key) {"));
    CodeServer.load(ModuleSource.sources("kv", broken));

    Sys.suspend(kv);
    assertThatThrownBy(() -> Sys.changeCode(kv, "kv", v1, null))
        .isInstanceOf(CodeException.class)
        .hasMessageContaining("stays on kv v" + v1)
        .hasMessageContaining("cannot migrate from v" + v1);
    Sys.resume(kv);

    assertThat(KV.get("a")).isEqualTo(42);
    ProcessStatus status = Sys.getStatus(kv);
    assertThat(status.version()).isEqualTo(v1);
    assertThat(status.lastCodeChangeFailure()).isNotNull();
    assertThat(status.lastCodeChangeFailure().reason().cause())
        .as("kept detached from the failed version's classes")
        .isInstanceOf(dev.molt.DetachedException.class)
        .hasMessage("java.lang.IllegalStateException: cannot migrate from v" + v1);
    assertThat(CodeServer.failures()).anySatisfy(f -> assertThat(f.pid()).isSameAs(kv));
  }

  @Test
  void aMessageBuiltFromV1ClassesIsMigratedAndHandledByV2() throws Exception {
    Class<?> v1Put = CodeServer.currentClass(KV.Put.class.getName()).orElseThrow();
    Object put = v1Put.getDeclaredConstructor(String.class, Object.class).newInstance("a", 42);
    CodeServer.load(ModuleSource.sources("kv", V2));
    KV.get("nothing");
    assertThat(Sys.getStatus(kv).version()).isEqualTo(v1 + 1);

    String log = stderrOf(() -> assertThat(GenServer.call(kv, put)).isEqualTo("ok"));
    assertThat(log).contains("Handling put request for a:42");
    assertThat(KV.get("a")).isEqualTo(42);
  }

  @Test
  void changeCodeOnARunningProcessIsRefused() {
    CodeServer.load(ModuleSource.sources("kv", V2));
    assertThatThrownBy(() -> Sys.changeCode(kv, "kv", v1, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not suspended");
    assertThat(Sys.getStatus(kv).version()).isEqualTo(v1);
  }

  @Test
  void messagesSentWhileSuspendedAreHandledAfterResumeInOrder() throws Exception {
    Sys.suspend(kv);
    Thread[] clients = new Thread[3];
    Object[] replies = new Object[3];
    for (int i = 0; i < 3; i++) {
      int n = i;
      clients[i] = Thread.ofVirtual().start(() -> replies[n] = KV.put("k", n));
      Thread.onSpinWait();
    }
    org.awaitility.Awaitility.await().until(() -> Sys.getStatus(kv).mailbox() == 3);
    assertThat(Sys.getStatus(kv).status()).isEqualTo(ProcessStatus.Status.SUSPENDED);
    Sys.resume(kv);
    for (Thread client : clients) {
      client.join();
    }
    assertThat(replies).containsOnly("ok");
    assertThat(Sys.statistics(kv).messages()).isEqualTo(3);
  }

  private static long requests(Object state) throws Exception {
    return (long) state.getClass().getMethod("requests").invoke(state);
  }

  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
