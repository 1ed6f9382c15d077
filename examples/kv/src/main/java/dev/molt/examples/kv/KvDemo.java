package dev.molt.examples.kv;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.ApplicationController;
import dev.molt.behaviour.Restart;
import dev.molt.code.CodeServer;
import dev.molt.code.LoadResult;
import dev.molt.code.ModuleSource;
import dev.molt.sys.ProcessStatus;
import dev.molt.sys.Sys;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The README's demo: the talk's hot-loading session, live. KV v1 runs with data; the logging patch
 * (v2) goes in through suspend, changeCode and resume; then v3, which adds a request counter to the
 * state, goes in with a plain load and switches at the next message.
 */
public final class KvDemo {
  private KvDemo() {}

  public static void main(String[] args) throws Exception {
    Path classes = classesDirectory();
    Path versions = classes.getParent().getParent().resolve("versions");

    LoadResult v1 = CodeServer.load(ModuleSource.directory("kv", classes));
    step("code server", "loaded kv v" + v1.loaded().getFirst().version() + " from " + classes);
    ApplicationController node = ApplicationController.node();
    node.load(KvApplication.spec());
    node.ensureAllStarted("kv", Restart.PERMANENT);
    Pid kv = Process.whereis(KV.NAME).orElseThrow();
    step("application kv started", "KV is " + kv + ", running " + running(kv));

    step("KV.get(\"a\")", KV.get("a"));
    step("KV.put(\"a\", 42)", KV.put("a", 42));
    for (int i = 0; i < 10_000; i++) {
      KV.put("key" + i, i);
    }
    step("KV.put(...) x 10,000", "done");
    step("KV.get(\"a\")", KV.get("a"));

    LoadResult v2 = CodeServer.load(ModuleSource.sources("kv", versions.resolve("v2/KV.java")));
    step(
        "compiled and loaded the logging patch",
        "kv v"
            + v2.loaded().getFirst().version()
            + "; KV still runs "
            + running(kv)
            + " (old code: "
            + CodeServer.oldProcesses("kv")
            + ")");
    long start = System.nanoTime();
    Sys.suspend(kv);
    Sys.changeCode(kv, "kv", v1.loaded().getFirst().version(), null);
    Sys.resume(kv);
    long pause = (System.nanoTime() - start) / 1_000;
    step(
        "Sys.suspend / changeCode / resume",
        "KV now runs "
            + running(kv)
            + "; paused "
            + pause
            + " us (the first code change of this JVM runs cold code; see docs/benchmarks.md)");
    step("KV.get(\"a\")  (the [kv] line above is v2's log)", KV.get("a"));
    step("KV.put(\"b\", 2)", KV.put("b", 2));
    step("state kept", "a=" + KV.get("a") + ", key9999=" + KV.get("key9999"));

    CodeServer.purge("kv");
    LoadResult v3 = CodeServer.load(ModuleSource.sources("kv", versions.resolve("v3/KV.java")));
    step(
        "loaded v3 (request counter) with a plain load",
        "kv v"
            + v3.loaded().getFirst().version()
            + "; KV still runs "
            + running(kv)
            + " until its next message");
    step("KV.get(\"a\")", KV.get("a"));
    ProcessStatus status = Sys.getStatus(kv);
    step(
        "KV switched lazily",
        "runs "
            + running(kv)
            + ", requests counted since the switch: "
            + status.state().getClass().getMethod("requests").invoke(status.state()));
    step(
        "code changes / failures",
        Sys.statistics(kv).codeChanges() + " / " + CodeServer.failures().size());

    node.stop("kv");
    step("application stopped; running", node.whichApplications());
  }

  private static String running(Pid pid) {
    ProcessStatus status = Sys.getStatus(pid);
    return status.module() + " v" + status.version();
  }

  private static Path classesDirectory() throws URISyntaxException {
    return Path.of(KvDemo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static void step(String what, Object result) {
    System.out.printf("%-48s %s%n", what, result);
    System.out.flush();
  }
}
