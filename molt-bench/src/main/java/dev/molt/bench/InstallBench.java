package dev.molt.bench;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import dev.molt.release.Appup;
import dev.molt.release.InstallResult;
import dev.molt.release.ReleaseDescriptor;
import dev.molt.release.ReleaseHandler;
import dev.molt.release.ReleasePackager;
import dev.molt.release.RelupGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * install_100k_processes_ms: {@code ReleaseHandler.install} of a release whose relup updates a
 * module that 100,000 live GenServers run (suspend all in parallel, switch, codeChange each,
 * resume). A client process calls one of them without pause throughout and records its longest call
 * ({@code -Dclient=false} leaves it out). Three installs (up, down, up, each made permanent),
 * median. Prints the total, the handler's own pause (first suspend to last resume), the client's
 * longest call and failed calls, then {@code VALUE <median ms>}.
 */
public final class InstallBench {
  private InstallBench() {}

  private static final String APP =
      """
      package bench.worker;
      import dev.molt.*;
      import dev.molt.behaviour.*;
      import dev.molt.code.*;
      import dev.molt.sys.*;
      import java.util.Map;
      public final class App implements ApplicationCallback {
        public Pid start(Restart type, Map<String, Object> env) {
          Pid supervisor = Supervisor.startLink("workers_sup", SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE));
          int n = ((Number) env.get("workers")).intValue();
          for (int i = 0; i < n; i++) {
            Pid pid = GenServer.start(new Worker(), i);
            if (i == 0) { dev.molt.Process.register("worker0", pid); }
          }
          return supervisor;
        }
      }
      """;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path work = Files.createTempDirectory("molt-install-bench");
    Path v1 = release(work, "1.0.0", null, n);
    Path v2 = release(work, "1.1.0", "1.0.0", n);
    ReleaseHandler handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(v1);
    handler.boot();
    handler.unpack(v2);

    List<Double> totals = new ArrayList<>();
    String[] targets = {"1.1.0", "1.0.0", "1.1.0"};
    for (String target : targets) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong longest = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicLong calls = new AtomicLong();
      boolean withClient = Boolean.parseBoolean(System.getProperty("client", "true"));
      Pid client =
          Process.spawn(
              () -> {
                while (withClient && !stop.get()) {
                  long start = System.nanoTime();
                  try {
                    GenServer.call("worker0", "seen");
                  } catch (RuntimeException e) {
                    failed.incrementAndGet();
                  }
                  longest.accumulateAndGet(System.nanoTime() - start, Math::max);
                  calls.incrementAndGet();
                }
              });
      while (withClient && calls.get() < 1_000) {
        Thread.onSpinWait();
      }
      System.gc();
      // counted from here: a call that spanned the full collection above is no part of the install
      long gcDone = calls.get();
      while (withClient && calls.get() < gcDone + 2) {
        Thread.onSpinWait();
      }
      longest.set(0);
      // as in a node, where installs run on the control channel's virtual threads
      var installed = new java.util.concurrent.CompletableFuture<InstallResult>();
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  installed.complete(handler.install(target));
                } catch (Exception e) {
                  installed.completeExceptionally(e);
                }
              });
      InstallResult result = installed.get();
      long after = calls.get();
      while (withClient && calls.get() < after + 100) {
        Thread.onSpinWait();
      }
      stop.set(true);
      Process.exit(client, dev.molt.ExitReason.kill());
      handler.makePermanent(target);
      double total = result.total().toNanos() / 1e6;
      totals.add(total);
      System.out.printf(
          "install %s of %d processes: %.1f ms in all, pause %.1f ms, client's longest call %.1f ms, "
              + "%d failed calls%n",
          target,
          result.suspended(),
          total,
          result.pause().toNanos() / 1e6,
          longest.get() / 1e6,
          failed.get());
      if (result.suspended() != n || failed.get() != 0) {
        System.out.println("not every process was moved, or calls failed");
        System.exit(1);
      }
    }
    System.out.printf("VALUE %.1f%n", BenchModules.median(totals));
    System.exit(0);
  }

  private static Path release(Path work, String version, String from, int workers)
      throws Exception {
    Path classes = BenchModules.compile("worker-" + version, List.of(BenchModules.WORKER, APP));
    String descriptor =
        """
        release workers %s {
          java 25
          application worker %s {
            start bench.worker.App
            module worker worker.jar
            config workers=%d
          }
        %s}
        """
            .formatted(
                version, version, workers, from == null ? "" : "  upgrade_from " + from + "\n");
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(
        "releases/" + version + "/workers.release", descriptor.getBytes(StandardCharsets.UTF_8));
    files.put(
        "lib/worker-" + version + "/worker.jar",
        Files.readAllBytes(ReleasePackager.jar(classes, work.resolve(version + ".jar"))));
    if (from != null) {
      String appup =
          "appup worker "
              + version
              + " {\n up "
              + from
              + " { update worker timeout=30s }\n down "
              + from
              + " { update worker timeout=30s }\n}\n";
      String relup =
          RelupGenerator.generate(
                  ReleaseDescriptor.parse("to", descriptor),
                  List.of(
                      ReleaseDescriptor.parse(
                          "from",
                          descriptor.replace(version, from).replaceAll("  upgrade_from .*\n", ""))),
                  Map.of("worker", Appup.parse("appup", appup)))
              .write();
      files.put("releases/" + version + "/relup", relup.getBytes(StandardCharsets.UTF_8));
    }
    return ReleasePackager.tarball(work.resolve("workers-" + version + ".tar.gz"), version, files);
  }
}
