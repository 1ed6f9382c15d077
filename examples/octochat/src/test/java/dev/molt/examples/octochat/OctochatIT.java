package dev.molt.examples.octochat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.examples.octochat.ChatLoad.Client;
import dev.molt.examples.octochat.ChatLoad.HttpLoad;
import dev.molt.examples.octochat.ChatLoad.TcpClient;
import dev.molt.examples.octochat.ChatLoad.WsClient;
import dev.molt.testkit.LauncherNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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

  /**
   * Waits until the clients have chatted about {@code seconds} more: each of them says 2 lines a
   * second, each delivered to the 9 others in its room.
   */
  private static void chatFor(AtomicLong delivered, int clients, int seconds) {
    long until = delivered.get() + 18L * clients * seconds;
    await().atMost(Duration.ofSeconds(60)).until(() -> delivered.get() >= until);
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
      chatFor(delivered, clients, 3); // before the upgrade
      String up = node.ok("upgrade", "1.1.0");
      HttpResponse<String> who = get(http, base + "/rooms/r0");
      String health = get(http, base + "/_molt/health").body();
      chatFor(delivered, clients, 3); // on 1.1.0
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
      chatFor(delivered, clients, 3); // back on 1.0.0
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
