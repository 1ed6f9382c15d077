package dev.molt.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Pid;
import dev.molt.Sources;
import dev.molt.behaviour.GenServer;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeakTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir Path dir;

  private final String module = "leak" + NAMES.incrementAndGet();
  private final String pkg = "test.leaks." + module;

  /** A module with one server, {@code Server}, of these declarations and this reply; loaded. */
  private ModuleSource serverModule(String declarations, String reply) throws Exception {
    Path classes =
        Sources.classes(
            dir.resolve("src"),
            dir.resolve("classes"),
            Map.of(pkg + ".Server", Sources.server(pkg, declarations, "new State(0)", reply)));
    ModuleSource source = ModuleSource.directory(module, classes);
    CodeServer.load(source);
    return source;
  }

  private Pid startServer() {
    return GenServer.start(
        CodeServer.newInstance(
            CodeServer.currentClass(pkg + ".Server").orElseThrow(), GenServer.class),
        null);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyPurgedLoaderIsCollectedOverTwoHundredLoadPurgeCycles() throws Exception {
    ModuleSource source =
        serverModule("record State(int n) {}", "getClass().getClassLoader().getName()");
    Pid pid = startServer();
    List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      loaders.add(
          new WeakReference<>(
              CodeServer.currentClass(pkg + ".Server").orElseThrow().getClassLoader()));
      CodeServer.loadPurging(source);
      assertThat(GenServer.call(pid, "which"))
          .isEqualTo(module + "@" + CodeServer.which(module).orElseThrow().version());
    }
    // Regression: a live server kept its first version reachable (its Init on the stack), and
    // through the migration plans each version kept the next. Checked while the server lives.
    assertThat(CodeServer.softPurge(module)).isTrue();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              System.gc();
              return loaders.stream().allMatch(ref -> ref.get() == null);
            });
    GenServer.stop(pid);
    CodeServer.purge(module);
    CodeServer.delete(module);
    CodeServer.purge(module);
    assertThat(CodeServer.leaks()).noneMatch(leak -> leak.module().equals(module));
  }

  @Test // issue 12: a long-lived caller holding one version's request class leaks no later one
  @SuppressWarnings("unchecked")
  void aLongLivedCallerOfAnOldVersionDoesNotKeepTheLaterVersions() throws Exception {
    ModuleSource source =
        serverModule(
            "record State(int n) {} public record Req(String key) {}",
            "request instanceof Req r ? r.key() : \"not a Req: \" + request");
    Pid pid = startServer();
    // the caller keeps a request built with the first version's classes, and calls without end
    Class<?> firstReq = CodeServer.currentClass(pkg + ".Server$Req").orElseThrow();
    Object request = firstReq.getDeclaredConstructors()[0].newInstance("k");
    java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicReference<Object> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    Pid caller =
        dev.molt.Process.spawn(
            () -> {
              while (true) {
                last.set(GenServer.call(pid, request));
                calls.incrementAndGet();
              }
            });
    List<WeakReference<ClassLoader>> later = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      CodeServer.loadPurging(source);
      later.add(
          new WeakReference<>(
              CodeServer.currentClass(pkg + ".Server").orElseThrow().getClassLoader()));
      long before = calls.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > before + 10);
    }
    assertThat(last.get()).isEqualTo("k");
    CodeServer.loadPurging(source);
    long before = calls.get();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() > before + 10);
    later.removeLast(); // the version before the current one: old, not yet purged
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              System.gc();
              return later.stream().allMatch(ref -> ref.get() == null);
            });
    dev.molt.Process.exit(caller, dev.molt.ExitReason.kill());
    GenServer.stop(pid);
  }

  @Test
  void aModuleThatLeavesAThreadRunningIsReportedWithTheThreadsName() throws Exception {
    String source =
        """
        package %s;
        public final class Leaky {
          public static void start() {
            Thread thread = new Thread(() -> {
              while (!Thread.interrupted()) {
                java.util.concurrent.locks.LockSupport.park();
              }
            }, "leaky-worker-%s");
            thread.setDaemon(true);
            thread.start();
          }
        }
        """
            .formatted(pkg, module);
    CodeServer.load(
        ModuleSource.sources(
            module, Sources.write(dir.resolve("leaky"), Map.of(pkg + ".Leaky", source))));
    CodeServer.currentClass(pkg + ".Leaky").orElseThrow().getMethod("start").invoke(null);
    // a thread is known by the module code on its stack: wait until it runs it (a started thread
    // may not have run yet on a busy machine)
    await().atMost(Duration.ofSeconds(30)).until(() -> parked("leaky-worker-" + module));
    CodeServer.delete(module);
    CodeServer.purge(module);
    List<Leak> leaks = CodeServer.leaks();
    assertThat(leaks)
        .filteredOn(leak -> leak.module().equals(module))
        .singleElement()
        .satisfies(
            leak ->
                assertThat(leak.holders())
                    .anyMatch(h -> h.contains("thread 'leaky-worker-" + module + "'")));
    stopThread("leaky-worker-" + module);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> CodeServer.leaks().stream().noneMatch(l -> l.module().equals(module)));
  }

  private static boolean parked(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.getState() == Thread.State.WAITING);
  }

  /** In a method of its own, so that no local variable of the test keeps the thread reachable. */
  private static void stopThread(String name) throws InterruptedException {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals(name)) {
        thread.interrupt();
        thread.join();
      }
    }
  }

  @Test
  void aThreadLocalHoldingModuleCodeIsReported() throws Exception {
    String source =
        """
        package %s;
        public final class Cache {
          public static final ThreadLocal<Object> LOCAL = new ThreadLocal<>();
          public static void fill() { LOCAL.set(new Cache()); }
        }
        """
            .formatted(pkg);
    CodeServer.load(
        ModuleSource.sources(
            module, Sources.write(dir.resolve("tl"), Map.of(pkg + ".Cache", source))));
    Class<?> cache = CodeServer.currentClass(pkg + ".Cache").orElseThrow();
    cache.getMethod("fill").invoke(null);
    ThreadLocal<?> local = (ThreadLocal<?>) cache.getField("LOCAL").get(null);
    cache = null;
    CodeServer.delete(module);
    CodeServer.purge(module);
    assertThat(CodeServer.leaks())
        .filteredOn(leak -> leak.module().equals(module))
        .singleElement()
        .satisfies(
            leak ->
                assertThat(leak.holders())
                    .anyMatch(
                        h ->
                            h.contains(
                                "ThreadLocal of thread '" + Thread.currentThread().getName())));
    local.remove();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> CodeServer.leaks().stream().noneMatch(l -> l.module().equals(module)));
  }
}
