package dev.molt.examples.kv;

import dev.molt.ApplicationController;
import dev.molt.ChildInfo;
import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Restart;
import dev.molt.Supervisor;
import java.util.concurrent.TimeUnit;

/**
 * The README's demo: starts the kv application and replays the talk's IEx session against it,
 * then shows the supervisor restarting a killed server.
 */
public final class KvDemo {
  private KvDemo() {}

  public static void main(String[] args) {
    ApplicationController node = ApplicationController.node();
    node.load(KvApplication.spec());
    node.ensureAllStarted("kv", Restart.PERMANENT);
    step("application started", node.whichApplications());
    Pid kv = Process.whereis(KV.NAME).orElseThrow();
    step("KV registered as", KV.NAME + " " + kv);

    step("KV.get(\"a\")", KV.get("a"));
    step("KV.put(\"a\", 42)", KV.put("a", 42));
    step("KV.get(\"a\")", KV.get("a"));
    step("KV.get(\"b\", 0)", KV.get("b", 0));

    Pid sup = Process.whereis("kv_sup").orElseThrow();
    Process.exit(kv, ExitReason.kill());
    Pid restarted = waitForRestart(sup, kv);
    step("killed " + kv + "; kv_sup restarted it as", restarted);
    step("KV.get(\"a\") on the fresh server", KV.get("a"));
    step("KV.put(\"a\", 42)", KV.put("a", 42));
    step("KV.get(\"a\")", KV.get("a"));

    node.stop("kv");
    step("application stopped; running", node.whichApplications());
  }

  private static Pid waitForRestart(Pid sup, Pid old) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      for (ChildInfo child : Supervisor.whichChildren(sup)) {
        if (child.pid() != null && child.pid() != old) {
          return child.pid();
        }
      }
      Thread.onSpinWait();
    }
    throw new IllegalStateException("kv_sup did not restart kv within 5 s");
  }

  private static void step(String what, Object result) {
    System.out.printf("%-45s %s%n", what, result);
  }
}
