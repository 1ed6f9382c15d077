package dev.molt.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket clients that misbehave: one that never reads, one that sends too much, one faster than
 * its process, one that sends garbage. Each costs only its own connection.
 */
class WebSocketHostileTest {
  private static final BlockingQueue<Object> EVENTS = new LinkedBlockingQueue<>();

  static {
    System.getProperties().put("wshostile.events", EVENTS);
  }

  @TempDir Path work;

  private String base;

  @BeforeEach
  void start() throws Exception {
    EVENTS.clear();
    Path dir = Files.createDirectories(work.resolve("test/wshostile"));
    Files.writeString(
        dir.resolve("Handler.java"),
        """
        package test.wshostile;
        import dev.molt.ExitReason;
        import dev.molt.Process;
        import dev.molt.behaviour.*;
        import dev.molt.http.*;
        import java.util.concurrent.BlockingQueue;
        public final class Handler implements GenServer<WsSocket> {
          @SuppressWarnings("unchecked")
          static void event(Object event) {
            ((BlockingQueue<Object>) System.getProperties().get("wshostile.events")).add(event);
          }
          private int count;
          private int mostWaiting;
          public Init<WsSocket> init(Object arg) { return Init.ok(((WsConnection) arg).socket()); }
          public CastResult<WsSocket> handleInfo(Object message, WsSocket socket) {
            switch (message) {
              case WsText(var s, var text) when text.equals("flood") -> {
                String big = "x".repeat(100_000);
                long sent = 0;
                while (socket.send(big)) { sent++; }
                event("flood stopped after " + sent);
              }
              case WsText(var s, var text) when text.startsWith("slow ") -> {
                mostWaiting = Math.max(mostWaiting, Process.mailboxSize(Process.self()));
                count++;
                if (!text.equals("slow " + count)) { event("out of order: " + text); }
                try { Thread.sleep(1); } catch (InterruptedException e) { }
                if (count == 1000) { event("slow done, most waiting " + mostWaiting); }
              }
              case WsText(var s, var text) -> socket.send("echo " + text);
              case WsBinary(var s, byte[] bytes) -> socket.send("binary " + bytes.length);
              case WsClosed(var s, int status, var reason) -> {
                event("closed " + status);
                return new Stop<>(ExitReason.normal(), socket);
              }
              default -> { }
            }
            return new NoReply<>(socket);
          }
          public CallResult<WsSocket> handleCall(Object request, From from, WsSocket socket) {
            return new Reply<>("ok", socket);
          }
          public CastResult<WsSocket> handleCast(Object request, WsSocket socket) {
            return new NoReply<>(socket);
          }
        }
        """);
    Files.writeString(
        dir.resolve("Api.java"),
        """
        package test.wshostile;
        import io.helidon.webserver.http.*;
        public final class Api implements HttpService {
          public void routing(HttpRules rules) { rules.get("/", (req, res) -> res.send("ok")); }
        }
        """);
    CodeServer.load(
        ModuleSource.sources("wshostile", dir.resolve("Handler.java"), dir.resolve("Api.java")));
    HttpServer.start(
        new HttpServer.Spec("wshostile", "127.0.0.1", 0, "test.wshostile.Api", null)
            .withWebSocket("/ws", "test.wshostile.Handler")
            .withWebSocket("/broken", "test.wshostile.Missing")
            .withWebSocketLimits(new HttpServer.WebSocketLimits(3 << 20, 1 << 20, 16)));
    base = "ws://127.0.0.1:" + HttpServer.port("wshostile") + "/ws";
  }

  @AfterEach
  void stop() {
    HttpServer.stop("wshostile");
    CodeServer.purge("wshostile");
    CodeServer.delete("wshostile");
    CodeServer.purge("wshostile");
  }

  private WebSocket connect(WsTestClient client) throws Exception {
    return HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .buildAsync(URI.create(base), client)
        .get(10, TimeUnit.SECONDS);
  }

  /** The server still serves a well-behaved client. */
  private void assertStillServes() throws Exception {
    WsTestClient client = new WsTestClient(true);
    WebSocket socket = connect(client);
    socket.sendText("hi", true).get(10, TimeUnit.SECONDS);
    assertThat(client.received.poll(10, TimeUnit.SECONDS)).isEqualTo("echo hi");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
  }

  @Test
  void aClientThatNeverReadsIsDroppedAndItsSenderNeverBlocks() throws Exception {
    WebSocket socket = connect(new WsTestClient(false));
    socket.sendText("flood", true).get(10, TimeUnit.SECONDS);

    assertThat(EVENTS.poll(30, TimeUnit.SECONDS))
        .as("the sender's loop ends: a send fails once 1 MiB waits")
        .asString()
        .startsWith("flood stopped after ");
    assertThat(EVENTS.poll(30, TimeUnit.SECONDS))
        .as("the process hears that its connection dropped")
        .isEqualTo("closed 1008");
    assertStillServes();
  }

  @Test
  void aPortInUseFailsTheStartSayingWhy() throws Exception {
    int taken = HttpServer.port("wshostile");
    assertThatThrownBy(
            () ->
                HttpServer.start(
                    new HttpServer.Spec("second", "127.0.0.1", taken, "test.wshostile.Api", null)))
        .hasStackTraceContaining("HTTP server second cannot listen on 127.0.0.1:" + taken)
        .hasStackTraceContaining("Address already in use");
  }

  @Test
  void aHandlerThatCannotStartClosesItsConnectionWith1011() throws Exception {
    WsTestClient client = new WsTestClient(true);
    HttpClient.newHttpClient()
        .newWebSocketBuilder()
        .buildAsync(URI.create(base.replace("/ws", "/broken")), client)
        .get(10, TimeUnit.SECONDS);

    assertThat(client.received.poll(10, TimeUnit.SECONDS)).isEqualTo("closed 1011");
    assertStillServes();
  }

  @Test
  void aMessageOverTheLimitDropsItsConnection() throws Exception {
    WsTestClient client = new WsTestClient(true);
    WebSocket socket = connect(client);
    socket.sendText("y".repeat(4 << 20), true).get(10, TimeUnit.SECONDS);

    assertThat(EVENTS.poll(30, TimeUnit.SECONDS)).isEqualTo("closed 1009");
    assertThat(client.received.poll(10, TimeUnit.SECONDS))
        .as("the client is told why")
        .isEqualTo("closed 1009");
    assertStillServes();
  }

  @Test
  void aPingIsAnsweredWithItsData() throws Exception {
    WsTestClient client = new WsTestClient(true);
    WebSocket socket = connect(client);
    socket
        .sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)))
        .get(10, TimeUnit.SECONDS);

    assertThat(client.received.poll(10, TimeUnit.SECONDS)).isEqualTo("pong are you there");
  }

  @Test
  void aMessageUnderTheLimitArrivesWholeInOneFrameLargerThanTheWebserversDefault()
      throws Exception {
    URI uri = URI.create(base);
    try (Socket raw = new Socket(uri.getHost(), uri.getPort())) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      InputStream in = raw.getInputStream();
      handshake(out, in);
      int length = 2 << 20; // over the webserver's own 1 MiB frame limit, under ours (3 MiB)
      byte[] header = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      for (int i = 0; i < 8; i++) {
        header[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
      }
      out.write(header); // a zero masking key: the payload goes as it is
      out.write(new byte[length]);
      out.flush();
      byte[] answer = in.readNBytes(2 + "binary 2097152".length());
      assertThat(new String(answer, 2, answer.length - 2, StandardCharsets.US_ASCII))
          .isEqualTo("binary 2097152");
    }
  }

  @Test
  void aClientFasterThanItsProcessIsHeldBackAndLosesNothing() throws Exception {
    WebSocket socket = connect(new WsTestClient(true));
    for (int i = 1; i <= 1000; i++) {
      socket.sendText("slow " + i, true).get(30, TimeUnit.SECONDS);
    }

    assertThat(EVENTS.poll(60, TimeUnit.SECONDS))
        .as("all 1,000 in order, with never more than the limit (16) waiting in the process")
        .asString()
        .matches("slow done, most waiting ([0-9]|1[0-6])");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    assertThat(EVENTS.poll(10, TimeUnit.SECONDS)).isEqualTo("closed 1000");
  }

  @Test
  void garbageAfterTheHandshakeCostsOnlyItsConnection() throws Exception {
    URI uri = URI.create(base);
    try (Socket raw = new Socket(uri.getHost(), uri.getPort())) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      InputStream in = raw.getInputStream();
      handshake(out, in);
      // An unmasked frame with a reserved opcode, then noise.
      out.write(new byte[] {(byte) 0x83, 0x05, 1, 2, 3, 4, 5, (byte) 0xff, (byte) 0xff, 0, 0});
      out.flush();
      assertThat(EVENTS.poll(30, TimeUnit.SECONDS))
          .as("the process hears that its connection failed")
          .asString()
          .startsWith("closed ");
      assertThat(drain(in)).as("the server ends the connection").isTrue();
    }
    assertStillServes();
  }

  private static void handshake(OutputStream out, InputStream in) throws Exception {
    out.write(
        ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    assertThat(readHead(in)).startsWith("HTTP/1.1 101");
  }

  private static String readHead(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** Reads until the server closes the connection; true if it did within the socket's timeout. */
  private static boolean drain(InputStream in) throws Exception {
    byte[] buffer = new byte[1024];
    while (in.read(buffer) >= 0) {
      // what the server says before it closes: a close frame, perhaps
    }
    return true;
  }
}
