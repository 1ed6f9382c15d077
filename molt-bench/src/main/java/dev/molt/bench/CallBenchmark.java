package dev.molt.bench;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code GenServer.call} round trips per second against a KV server holding 100,000 keys, made by 1
 * or 4 client processes, as Erlang's side does with {@code gen_server:call} from its processes.
 *
 * <p>The clients are Molt processes (virtual threads), like Erlang's clients are Erlang processes.
 * Each invocation shares {@link #BATCH} calls among the clients and waits for all of them, so JMH's
 * own platform thread is out of the measured path except once per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(
    value = 2,
    jvmArgs = {"-Xms2g", "-Xmx2g"})
public class CallBenchmark {
  static final int BATCH = 20_000;

  @Param({"1", "4"})
  public int clients;

  private Pid server;
  private final List<Pid> clientPids = new ArrayList<>();

  private record Go(CountDownLatch done) {}

  @Setup(Level.Trial)
  public void start() {
    server = GenServer.start(new KvServer(), null);
    for (int c = 0; c < clients; c++) {
      int offset = c * 7919;
      int share = BATCH / clients;
      clientPids.add(
          Process.spawn(
              () -> {
                int i = offset;
                while (true) {
                  Go go = (Go) Process.receive();
                  for (int n = 0; n < share; n++) {
                    if (GenServer.call(server, KvServer.KEY_NAMES[i]) == null) {
                      throw new IllegalStateException("missing key " + i);
                    }
                    i = i + 1 == KvServer.KEYS ? 0 : i + 1;
                  }
                  go.done().countDown();
                }
              }));
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    clientPids.forEach(pid -> Process.exit(pid, ExitReason.kill()));
    GenServer.stop(server, ExitReason.normal(), Duration.ofSeconds(5));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void calls() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(clients);
    Go go = new Go(done);
    for (Pid pid : clientPids) {
      Process.send(pid, go);
    }
    done.await();
  }
}
