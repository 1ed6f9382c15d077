package dev.molt.examples.octochat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.testkit.LauncherNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The talk's octochat demo, measured: octochat 1.0.0 from its tarball, clients in rooms of 10 each
 * sending a line every 500 ms, upgraded live to 1.1.0 and downgraded to 1.0.0 while they chat. No
 * connection drops, no line is lost, each sender's lines arrive in order, and {@code /who} answers
 * clients that connected before the upgrade. One client in ten chats over a WebSocket, and an HTTP
 * client GETs {@code /rooms} 100 times a second throughout: none fails, and 1.1.0's new route
 * answers after the upgrade only. Size: {@code -Doctochat.clients} (1,000 by default).
 */
class OctochatIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();
  private static final Pattern LINE =
      Pattern.compile("(?:\\[\\d\\d:\\d\\d:\\d\\d\\] )?c(\\d+): m (\\d+) (\\d+) (\\d+)");

  @TempDir Path root;

  /** One chat client, over TCP or a WebSocket: what it sent, and what it saw from each sender. */
  private abstract static class Client {
    final int id;
    final int room;
    final AtomicLong sent = new AtomicLong();

    /** Sender id to the next sequence number expected from it. */
    final Map<Integer, Long> next = new ConcurrentHashMap<>();

    final ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();

    Client(int id) {
      this.id = id;
      this.room = id / 10;
    }

    /** The next line from the server; null once the connection has ended. */
    abstract String readLine() throws IOException;

    abstract void say(String line) throws IOException;

    abstract void close() throws IOException;
  }

  private static final class TcpClient extends Client {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;

    TcpClient(int id, int port) throws IOException {
      super(id);
      this.socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(60_000);
      this.in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      this.out = socket.getOutputStream();
    }

    @Override
    String readLine() throws IOException {
      return in.readLine();
    }

    @Override
    synchronized void say(String line) throws IOException {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    @Override
    void close() throws IOException {
      socket.close();
    }
  }

  /** A client of octochat's WebSocket endpoint, {@code /chat}: a message is a line. */
  private static final class WsClient extends Client implements WebSocket.Listener {
    private static final String END = new String("end");
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder partial = new StringBuilder();
    final WebSocket socket;

    WsClient(int id, HttpClient http, int port) throws IOException {
      super(id);
      try {
        this.socket =
            http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), this)
                .get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("WebSocket client " + id + " could not connect", e);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        lines.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int status, String reason) {
      lines.add(END);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      lines.add(END);
    }

    @Override
    String readLine() throws IOException {
      try {
        String line = lines.poll(60, TimeUnit.SECONDS);
        if (line == null) {
          throw new IOException("WebSocket client " + id + ": nothing for 60 s");
        }
        return line == END ? null : line;
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }

    @Override
    synchronized void say(String line) throws IOException {
      try {
        socket.sendText(line, true).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("WebSocket client " + id + " could not send", e);
      }
    }

    @Override
    void close() {
      socket.abort();
      lines.add(END);
    }
  }

  /** GETs at a steady rate, counting answers that failed. */
  private static final class HttpLoad {
    final AtomicLong ok = new AtomicLong();
    final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread;

    HttpLoad(HttpClient http, URI uri, int perSecond) {
      thread =
          Thread.ofVirtual()
              .start(
                  () -> {
                    long period = 1_000_000_000L / perSecond;
                    long due = System.nanoTime();
                    while (running.get()) {
                      try {
                        HttpResponse<String> response =
                            http.send(
                                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200 && response.body().contains("r0\n")) {
                          ok.incrementAndGet();
                        } else {
                          failed.add(response.statusCode() + " " + response.body());
                        }
                      } catch (IOException | InterruptedException e) {
                        failed.add(e.toString());
                      }
                      due += period;
                      LockSupport.parkNanos(due - System.nanoTime());
                    }
                  });
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Lines sent to a room and not (yet) delivered to one of its other members. */
  private static long lost(List<Client> all) {
    long lost = 0;
    for (Client receiver : all) {
      for (Client sender : all) {
        if (sender != receiver && sender.room == receiver.room) {
          lost += sender.sent.get() - receiver.next.getOrDefault(sender.id, 0L);
        }
      }
    }
    return lost;
  }

  @Test
  void onThousandClientsChattingAnUpgradeAndADowngradeLoseNothing() throws Exception {
    int clients = Integer.getInteger("octochat.clients", 1000);
    int port = freePort();
    int httpPort = freePort();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (LauncherNode node =
        LauncherNode.extract(TARGET.resolve("octochat-1.0.0.tar.gz"), root)
            .env("MOLT_CONFIG_OCTOCHAT_PORT", String.valueOf(port))
            .env("MOLT_CONFIG_OCTOCHAT_HTTP_PORT", String.valueOf(httpPort))) {
      node.ok("start");
      node.ok("unpack", TARGET.resolve("octochat-1.1.0.tar.gz").toString());

      List<Client> all = new ArrayList<>();
      try {
        chat(node, all, clients, port, httpPort, http);
      } catch (AssertionError | Exception e) {
        String log = node.log();
        System.out.println("node log (end):\n" + log.substring(Math.max(0, log.length() - 8_000)));
        throw e;
      }
    }
  }

  private void chat(
      LauncherNode node, List<Client> all, int clients, int port, int httpPort, HttpClient http)
      throws Exception {
    String base = "http://127.0.0.1:" + httpPort;
    {
      for (int i = 0; i < clients; i++) {
        // one client in ten (the last of each room) chats over a WebSocket
        Client client = i % 10 == 9 ? new WsClient(i, http, httpPort) : new TcpClient(i, port);
        assertThat(client.readLine()).startsWith("welcome, guest");
        client.say("/nick c" + i);
        assertThat(client.readLine()).isEqualTo("you are c" + i);
        client.say("/join r" + client.room);
        assertThat(client.readLine()).isEqualTo("you are in r" + client.room);
        all.add(client);
      }
      // no wait for the joins: each client's Join was cast before its "you are in", so every line
      // said from now on reaches its room after every Join

      AtomicBoolean sending = new AtomicBoolean(true);
      AtomicBoolean ending = new AtomicBoolean();
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      Histogram delays = new Histogram(3);
      AtomicLong delivered = new AtomicLong();
      CountDownLatch readersDone = new CountDownLatch(all.size());
      CountDownLatch sendersDone = new CountDownLatch(all.size());
      for (Client client : all) {
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (String line = client.readLine(); ; line = client.readLine()) {
                      if (line == null) {
                        if (!ending.get()) {
                          problems.add("c" + client.id + ": connection dropped");
                        }
                        return;
                      }
                      Matcher m = LINE.matcher(line);
                      if (m.matches()) {
                        int sender = Integer.parseInt(m.group(1));
                        long seq = Long.parseLong(m.group(3));
                        long expected = client.next.getOrDefault(sender, 0L);
                        if (seq != expected) {
                          problems.add(
                              "c"
                                  + client.id
                                  + " got c"
                                  + sender
                                  + "'s line "
                                  + seq
                                  + ", expected "
                                  + expected);
                        }
                        client.next.put(sender, seq + 1);
                        long delay = System.nanoTime() - Long.parseLong(m.group(4));
                        synchronized (delays) {
                          delays.recordValue(Math.max(1, delay / 1_000));
                        }
                        delivered.incrementAndGet();
                      } else {
                        client.answers.add(line);
                      }
                    }
                  } catch (IOException e) {
                    if (!ending.get()) {
                      problems.add("c" + client.id + ": " + e);
                    }
                  } finally {
                    readersDone.countDown();
                  }
                });
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Thread.sleep((long) (Math.random() * 500));
                    while (sending.get()) {
                      long seq = client.sent.get();
                      client.say("m " + client.id + " " + seq + " " + System.nanoTime());
                      client.sent.incrementAndGet();
                      Thread.sleep(500);
                    }
                  } catch (IOException | InterruptedException e) {
                    problems.add("c" + client.id + " could not send: " + e);
                  } finally {
                    sendersDone.countDown();
                  }
                });
      }

      assertThat(get(http, base + "/rooms/r0").statusCode())
          .as("1.0.0 has no /rooms/NAME")
          .isEqualTo(404);
      HttpLoad load = new HttpLoad(http, URI.create(base + "/rooms"), 100);
      Thread.sleep(3_000);
      String up = node.ok("upgrade", "1.1.0");
      HttpResponse<String> who = get(http, base + "/rooms/r0");
      String health = get(http, base + "/_molt/health").body();
      Thread.sleep(3_000);
      List<Client> asked = all.subList(0, Math.min(10, all.size()));
      for (Client client : asked) {
        client.say("/who");
      }
      // answered on 1.1.0, before the downgrade
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  asked.stream()
                      .allMatch(c -> c.answers.stream().anyMatch(a -> a.startsWith("in r"))));
      String down = node.ok("downgrade", "1.0.0");
      int afterDowngrade = get(http, base + "/rooms/r0").statusCode();
      Thread.sleep(3_000);
      load.stop();
      sending.set(false);
      assertThat(sendersDone.await(30, TimeUnit.SECONDS)).as("the senders stopped").isTrue();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> lost(all) == 0); // the last lines arrive
      } catch (ConditionTimeoutException e) {
        // counted and reported below
      }

      long sent = all.stream().mapToLong(c -> c.sent.get()).sum();
      long lost = lost(all);
      ending.set(true);
      for (Client client : all) {
        client.close();
      }
      readersDone.await(30, TimeUnit.SECONDS);

      System.out.printf(
          "octochat: %d clients in %d rooms; %d lines sent, %d delivered; lost %d; dropped %d;"
              + " delivery delay p50 %.1f ms, p99 %.1f ms, longest %.1f ms;"
              + " %d over WebSockets; HTTP GETs at 100/s: %d answered, %d failed%n  %s%n  %s%n",
          all.size(),
          (all.size() + 9) / 10,
          sent,
          delivered.get(),
          lost,
          problems.stream().filter(p -> p.endsWith("connection dropped")).count(),
          delays.getValueAtPercentile(50) / 1e3,
          delays.getValueAtPercentile(99) / 1e3,
          delays.getMaxValue() / 1e3,
          all.stream().filter(c -> c instanceof WsClient).count(),
          load.ok.get(),
          load.failed.size(),
          up.lines().reduce((a, b) -> b).orElse(""),
          down.lines().reduce((a, b) -> b).orElse(""));
      assertThat(problems).as("dropped connections, lines out of order, failed sends").isEmpty();
      assertThat(lost).as("lines lost").isZero();
      assertThat(sent).isPositive();
      for (Client client : asked) {
        assertThat(client.answers)
            .as("/who for c" + client.id + ", connected before the upgrade")
            .anySatisfy(
                answer ->
                    assertThat(answer)
                        .startsWith("in r" + client.room + ": ")
                        .contains("c" + client.id));
      }
      assertThat(load.failed)
          .as("HTTP requests that failed through the upgrade and downgrade")
          .isEmpty();
      assertThat(load.ok.get()).isPositive();
      assertThat(who.statusCode()).as("1.1.0's new route, with the room's members").isEqualTo(200);
      assertThat(who.body()).startsWith("in r0: ").contains("c0").contains("c9");
      assertThat(health)
          .as("the node's figures after a real install")
          .startsWith("{\"status\":\"up\"")
          .contains("\"from\":\"1.0.0\",\"to\":\"1.1.0\"")
          .contains(
              "\"suspended\":"
                  + (clients + (clients + 9) / 10 + 2)); // connections, rooms, lobby, Rooms
      assertThat(afterDowngrade).as("1.0.0's routes again after the downgrade").isEqualTo(404);
      assertThat(up).contains("upgraded to 1.1.0 from 1.0.0");
      assertThat(down).contains("downgraded to 1.0.0 from 1.1.0");
    }
  }
}
