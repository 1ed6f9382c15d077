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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * clients that connected before the upgrade. Size: {@code -Doctochat.clients} (1,000 by default).
 */
class OctochatIT {
  private static final Path TARGET = Path.of("target").toAbsolutePath();
  private static final Pattern LINE =
      Pattern.compile("(?:\\[\\d\\d:\\d\\d:\\d\\d\\] )?c(\\d+): m (\\d+) (\\d+) (\\d+)");

  @TempDir Path root;

  /** One chat client: a socket, what it sent, and what it saw from each sender. */
  private static final class Client {
    final int id;
    final int room;
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;
    final AtomicLong sent = new AtomicLong();

    /** Sender id to the next sequence number expected from it. */
    final Map<Integer, Long> next = new ConcurrentHashMap<>();

    final ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();

    Client(int id, int port) throws IOException {
      this.id = id;
      this.room = id / 10;
      this.socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(60_000);
      this.in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      this.out = socket.getOutputStream();
    }

    synchronized void say(String line) throws IOException {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
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
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (LauncherNode node =
        LauncherNode.extract(TARGET.resolve("octochat-1.0.0.tar.gz"), root)
            .env("MOLT_CONFIG_OCTOCHAT_PORT", String.valueOf(port))) {
      node.ok("start");
      node.ok("unpack", TARGET.resolve("octochat-1.1.0.tar.gz").toString());

      List<Client> all = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Client client = new Client(i, port);
        assertThat(client.in.readLine()).startsWith("welcome, guest");
        client.say("/nick c" + i);
        assertThat(client.in.readLine()).isEqualTo("you are c" + i);
        client.say("/join r" + client.room);
        assertThat(client.in.readLine()).isEqualTo("you are in r" + client.room);
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
                    for (String line = client.in.readLine(); ; line = client.in.readLine()) {
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

      Thread.sleep(3_000);
      String up = node.ok("upgrade", "1.1.0");
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
      Thread.sleep(3_000);
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
        client.socket.close();
      }
      readersDone.await(30, TimeUnit.SECONDS);

      System.out.printf(
          "octochat: %d clients in %d rooms; %d lines sent, %d delivered; lost %d; dropped %d;"
              + " delivery delay p50 %.1f ms, p99 %.1f ms, longest %.1f ms%n  %s%n  %s%n",
          all.size(),
          (all.size() + 9) / 10,
          sent,
          delivered.get(),
          lost,
          problems.stream().filter(p -> p.endsWith("connection dropped")).count(),
          delays.getValueAtPercentile(50) / 1e3,
          delays.getValueAtPercentile(99) / 1e3,
          delays.getMaxValue() / 1e3,
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
      assertThat(up).contains("upgraded to 1.1.0 from 1.0.0");
      assertThat(down).contains("downgraded to 1.0.0 from 1.1.0");
    }
  }
}
