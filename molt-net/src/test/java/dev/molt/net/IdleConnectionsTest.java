package dev.molt.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand connections that send nothing, from another JVM: each costs a process and two parked
 * virtual threads, and a client that talks is served as before. Fewer where this JVM may not open
 * that many descriptors (it says how many).
 */
class IdleConnectionsTest {
  @Test
  void tenThousandIdleConnectionsAndOneThatTalks() throws Exception {
    long maxFds = descriptorLimit();
    int count = (int) Math.min(10_000, maxFds - 2_000);
    System.out.println("idle connections: " + count + " (descriptor limit " + maxFds + ")");
    TcpListener.start(
        TcpListener.spec("idle", 0, EchoConnection.class)
            .withSocket(SocketOptions.lines())
            .withMaxConnections(20_000));
    java.lang.Process clients = null;
    try {
      String java = ProcessHandle.current().info().command().orElse("java");
      clients =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-cp",
                      System.getProperty("java.class.path"),
                      IdleClients.class.getName(),
                      "127.0.0.1",
                      String.valueOf(TcpListener.port("idle")),
                      String.valueOf(count)))
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("connected " + count);
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> TcpListener.info("idle").connections() == count);

      try (Socket talker = new Socket("127.0.0.1", TcpListener.port("idle"))) {
        talker.setSoTimeout(10_000);
        new PrintWriter(talker.getOutputStream(), true, StandardCharsets.UTF_8).println("hi");
        assertThat(
                new BufferedReader(
                        new InputStreamReader(talker.getInputStream(), StandardCharsets.UTF_8))
                    .readLine())
            .isEqualTo("echo: hi");
      }

      clients.getOutputStream().close(); // they close
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> TcpListener.info("idle").connections() == 0);
    } finally {
      if (clients != null) {
        clients.destroyForcibly();
      }
      TcpListener.stop("idle");
    }
  }

  /** This JVM's limit of open descriptors, from /proc/self/limits; 4096 where it cannot say. */
  private static long descriptorLimit() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
          return soft.equals("unlimited") ? 1 << 20 : Long.parseLong(soft);
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: assume a modest limit
    }
    return 4096;
  }
}
