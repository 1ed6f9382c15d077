package dev.molt.bench;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls per second, second by second, of {@code clients} processes calling the KV server without
 * pause: not a figure of bench/run.sh but the trace behind one, which shows what a median hides (a
 * run that settles into one of two speeds, say). Prints one line of thousands of calls per second.
 */
public final class CallSeconds {
  private CallSeconds() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Pid server = GenServer.start(new KvServer(), null);
    LongAdder calls = new LongAdder();
    for (int c = 0; c < clients; c++) {
      int offset = c * 7919;
      Process.spawn(
          () -> {
            int i = offset;
            while (true) {
              GenServer.call(server, KvServer.KEY_NAMES[i]);
              calls.increment();
              i = i + 1 == KvServer.KEYS ? 0 : i + 1;
            }
          });
    }
    long last = 0;
    StringBuilder line = new StringBuilder();
    for (int s = 0; s < seconds; s++) {
      Thread.sleep(1000);
      long now = calls.sum();
      line.append((now - last) / 1000).append("k ");
      last = now;
    }
    System.out.println(line.toString().trim());
    System.exit(0);
  }
}
