package dev.molt.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deploy, seen by its users: chat clients on an octochat server (in rooms of 10, each saying a
 * line every 500 ms) and an HTTP client GETting {@code /rooms} at a steady rate, while a command
 * deploys the next release. What users felt is printed as one line:
 *
 * <pre>
 * DEPLOY dropped=… lost=… failed_http=… gap_ms=… recovery_ms=… (and more, for the record)
 * </pre>
 *
 * <ul>
 *   <li>{@code dropped}: connections the server closed or lost;
 *   <li>{@code lost}: lines said that did not reach a member of the room (one per member missed);
 *   <li>{@code failed_http}: requests that failed, timed out (2 s) or answered other than 200;
 *   <li>{@code gap_ms}: the longest time a client went without a line, from 2 s before the deploy
 *       to the end;
 *   <li>{@code recovery_ms}: from the deploy's start until deliveries per second are back to 95% of
 *       their level in the 5 s before it, for good (up to 10 s after the deploy's end).
 * </ul>
 *
 * With {@code --reconnect}, a client whose connection ends reconnects with exponential backoff (100
 * ms doubling to 3.2 s, full jitter), names itself and joins its room again, then sends the lines
 * it could not send meanwhile, as a real client does.
 *
 * <pre>
 * java -cp benchmarks.jar dev.molt.bench.DeployLoad --tcp 4040 --http 4080 --clients 1000 \
 *     --before 10 --after 20 [--reconnect] -- bin/octochat upgrade octochat-1.1.0.tar.gz
 * </pre>
 */
public final class DeployLoad {
  private static final Pattern LINE =
      Pattern.compile("(?:\\[\\d\\d:\\d\\d:\\d\\d\\] )?c(\\d+): m (\\d+) (\\d+) (\\d+)");
  private static final long BUCKET_NANOS = 100_000_000L;

  private final int tcpPort;
  private final boolean reconnect;
  private final boolean trace;
  private final long start = System.nanoTime();
  private final AtomicLongArray deliveries = new AtomicLongArray(36_000);
  private final AtomicBoolean ending = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private volatile long gapFrom = Long.MAX_VALUE;

  private DeployLoad(int tcpPort, boolean reconnect, boolean trace) {
    this.tcpPort = tcpPort;
    this.reconnect = reconnect;
    this.trace = trace;
  }

  /** One chat client: its connection (replaced on reconnect), what it said and what it saw. */
  private final class Client {
    final int id;
    final int room;
    final AtomicLong said = new AtomicLong();
    final ArrayDeque<String> outbox = new ArrayDeque<>();

    /** Sender id to how many of its lines this client received. */
    final Map<Integer, Long> received = new ConcurrentHashMap<>();

    volatile Socket socket;
    volatile OutputStream out;
    volatile long lastLine;
    volatile long longestGap;

    Client(int id) {
      this.id = id;
      this.room = id / 10;
    }

    /** Connects, names itself and joins its room; returns the reader. */
    BufferedReader connect() throws IOException {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", tcpPort), 5_000);
      s.setSoTimeout(0);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      OutputStream o = s.getOutputStream();
      expect(in, "welcome, ");
      o.write(("/nick c" + id + "\n").getBytes(StandardCharsets.UTF_8));
      expect(in, "you are c" + id);
      o.write(("/join r" + room + "\n").getBytes(StandardCharsets.UTF_8));
      expect(in, "you are in r" + room);
      synchronized (this) {
        socket = s;
        out = o;
        flush();
      }
      return in;
    }

    private static void expect(BufferedReader in, String prefix) throws IOException {
      for (String line = in.readLine(); ; line = in.readLine()) {
        if (line == null) {
          throw new IOException("closed before " + prefix);
        }
        if (line.startsWith(prefix)) {
          return;
        }
      }
    }

    /** Queues a line and sends what is queued, if connected. */
    synchronized void say(String line) {
      outbox.add(line);
      flush();
    }

    private void flush() {
      if (out == null) {
        return;
      }
      try {
        StringBuilder text = new StringBuilder();
        for (String line : outbox) {
          text.append(line).append('\n');
        }
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        outbox.clear();
      } catch (IOException e) {
        disconnected();
      }
    }

    synchronized void disconnected() {
      out = null;
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (IOException ignored) {
        // closed already
      }
    }

    void read(BufferedReader in) throws IOException {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        Matcher m = LINE.matcher(line);
        if (m.matches()) {
          long now = System.nanoTime();
          received.merge(Integer.parseInt(m.group(1)), 1L, Long::sum);
          int bucket = (int) ((now - start) / BUCKET_NANOS);
          if (bucket < deliveries.length()) {
            deliveries.incrementAndGet(bucket);
          }
          if (lastLine != 0 && lastLine >= gapFrom) {
            longestGap = Math.max(longestGap, now - lastLine);
          } else if (lastLine != 0 && now >= gapFrom) {
            longestGap = Math.max(longestGap, now - gapFrom);
          }
          lastLine = now;
        }
      }
    }

    /** Reads until the end; reconnects with backoff if asked to. */
    void run(BufferedReader first) {
      BufferedReader in = first;
      long backoff = 100;
      while (true) {
        try {
          if (in == null) {
            in = connect();
            reconnects.incrementAndGet();
            backoff = 100;
          }
          read(in);
        } catch (IOException e) {
          // counted below
        }
        in = null;
        disconnected();
        if (ending.get()) {
          return;
        }
        if (socket != null) {
          dropped.incrementAndGet();
          socket = null;
        }
        if (!reconnect) {
          return;
        }
        LockSupport.parkNanos(
            TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(backoff + 1)));
        backoff = Math.min(backoff * 2, 3_200);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    int tcp = 4040;
    int http = 4080;
    int clients = 1000;
    int before = 10;
    int after = 20;
    int httpRate = 100;
    boolean reconnect = false;
    boolean trace = false;
    List<String> command = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--tcp" -> tcp = Integer.parseInt(args[++i]);
        case "--http" -> http = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--before" -> before = Integer.parseInt(args[++i]);
        case "--after" -> after = Integer.parseInt(args[++i]);
        case "--http-rate" -> httpRate = Integer.parseInt(args[++i]);
        case "--reconnect" -> reconnect = true;
        case "--trace" -> trace = true;
        case "--" -> {
          command.addAll(Arrays.asList(args).subList(i + 1, args.length));
          i = args.length;
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (before < 6) {
      throw new IllegalArgumentException(
          "--before " + before + ": give at least 6 s, the 5 s before the deploy are its baseline");
    }
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no deploy command after --");
    }
    new DeployLoad(tcp, reconnect, trace).run(clients, http, httpRate, before, after, command);
  }

  private void run(
      int count, int httpPort, int httpRate, int before, int after, List<String> command)
      throws Exception {
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Client client = new Client(i);
      BufferedReader in = client.connect();
      clients.add(client);
      Thread.ofVirtual().start(() -> client.run(in));
    }
    AtomicBoolean saying = new AtomicBoolean(true);
    List<Thread> sayers = new ArrayList<>();
    for (Client client : clients) {
      sayers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(500_000_000L));
                    long due = System.nanoTime();
                    while (saying.get()) {
                      long seq = client.said.getAndIncrement();
                      client.say("m " + client.id + " " + seq + " " + System.nanoTime());
                      due += 500_000_000L;
                      LockSupport.parkNanos(due - System.nanoTime());
                    }
                  }));
    }
    HttpLoad load = new HttpLoad(URI.create("http://127.0.0.1:" + httpPort + "/rooms"), httpRate);

    Thread.sleep(before * 1_000L);
    long deployStart = System.nanoTime();
    gapFrom = deployStart - 2_000_000_000L;
    Process deploy = new ProcessBuilder(command).redirectErrorStream(true).start();
    String deployOutput =
        new String(deploy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = deploy.waitFor();
    long deployEnd = System.nanoTime();
    System.err.print(deployOutput);
    Thread.sleep(after * 1_000L);

    saying.set(false);
    long stoppedSaying = System.nanoTime();
    for (Thread sayer : sayers) {
      sayer.join();
    }
    load.stop();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (lost(clients) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100); // the last lines arrive
    }
    long end = System.nanoTime();
    ending.set(true);
    for (Client client : clients) {
      client.disconnected();
    }

    long said = clients.stream().mapToLong(c -> c.said.get()).sum();
    long longestGap = 0;
    for (Client client : clients) {
      long gap = client.longestGap;
      if (client.lastLine < stoppedSaying) { // a client that heard nothing more until the end
        gap = Math.max(gap, stoppedSaying - Math.max(client.lastLine, gapFrom));
      }
      longestGap = Math.max(longestGap, gap);
    }
    System.out.printf(
        "DEPLOY dropped=%d lost=%d failed_http=%d gap_ms=%.1f recovery_ms=%d"
            + " clients=%d said=%d reconnects=%d http_ok=%d deploy_ms=%d deploy_exit=%d%n",
        dropped.get(),
        lost(clients),
        load.failed.get(),
        longestGap / 1e6,
        recovery(deployStart, deployEnd, stoppedSaying),
        clients.size(),
        said,
        reconnects.get(),
        load.ok.get(),
        TimeUnit.NANOSECONDS.toMillis(deployEnd - deployStart),
        exit);
    if (trace) {
      int first = (int) ((deployStart - start) / BUCKET_NANOS);
      StringBuilder line = new StringBuilder("deliveries per 500 ms, from 2 s before the deploy:");
      for (int b = first - 20; b < first + 150 && b < deliveries.length(); b += 5) {
        long window = 0;
        for (int k = b; k < b + 5; k++) {
          window += deliveries.get(k);
        }
        line.append(' ').append(window);
      }
      System.err.println(line);
    }
    if (!load.failures.isEmpty()) {
      System.err.println("first HTTP failures: " + load.failures.stream().limit(3).toList());
    }
  }

  /** Lines said to a room and not received by one of its other members. */
  private static long lost(List<Client> clients) {
    long lost = 0;
    for (Client receiver : clients) {
      for (Client sender : clients) {
        if (sender != receiver && sender.room == receiver.room) {
          lost += sender.said.get() - receiver.received.getOrDefault(sender.id, 0L);
        }
      }
    }
    return lost;
  }

  /**
   * Milliseconds from the deploy's start to the end of the last one-second window (sliding by 100
   * ms) whose deliveries were under 95% of the average second of the 5 s before the deploy, among
   * the windows ending between the deploy's start and 10 s after its end, while the clients were
   * still saying lines; 0 if none was.
   */
  private long recovery(long deployStart, long deployEnd, long stoppedSaying) {
    int first = (int) ((deployStart - start) / BUCKET_NANOS);
    long until = Math.min(deployEnd + TimeUnit.SECONDS.toNanos(10), stoppedSaying);
    int last = (int) ((until - start) / BUCKET_NANOS) - 1;
    double baseline = 0;
    for (int b = first - 50; b < first; b++) {
      baseline += deliveries.get(b);
    }
    baseline = baseline / 5; // per second
    long recovered = 0;
    for (int end = first; end <= last && end < deliveries.length(); end++) {
      long window = 0;
      for (int k = end - 9; k <= end; k++) {
        window += deliveries.get(k);
      }
      if (window < 0.95 * baseline) {
        recovered = (end + 1) * 100L - TimeUnit.NANOSECONDS.toMillis(deployStart - start);
      }
    }
    return Math.max(0, recovered);
  }
}
