package dev.molt.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each WebSocket connection is a process of the module's handler class: a new version of the module
 * moves an open connection to new code, still open, and a process that stops closes it.
 */
class WebSocketProcessesTest {
  @TempDir Path work;

  private Path version(String tag) throws Exception {
    Path dir = Files.createDirectories(work.resolve(tag).resolve("test/wsup"));
    Files.writeString(
        dir.resolve("Echo.java"),
        """
        package test.wsup;
        import dev.molt.ExitReason;
        import dev.molt.behaviour.*;
        import dev.molt.http.*;
        import io.helidon.webserver.http.*;
        public final class Echo implements GenServer<WsSocket> {
          public Init<WsSocket> init(Object arg) { return Init.ok(((WsConnection) arg).socket()); }
          public CastResult<WsSocket> handleInfo(Object message, WsSocket socket) {
            if (message instanceof WsText(var s, var text)) {
              if (text.equals("bye")) { return new Stop<>(ExitReason.normal(), socket); }
              socket.send("%1$s echo: " + text);
            }
            if (message instanceof WsClosed) { return new Stop<>(ExitReason.normal(), socket); }
            return new NoReply<>(socket);
          }
          public CallResult<WsSocket> handleCall(Object request, From from, WsSocket socket) {
            return new Reply<>("ok", socket);
          }
          public CastResult<WsSocket> handleCast(Object request, WsSocket socket) {
            return new NoReply<>(socket);
          }
        }
        """
            .formatted(tag));
    Files.writeString(
        dir.resolve("Api.java"),
        """
        package test.wsup;
        import io.helidon.webserver.http.*;
        public final class Api implements HttpService {
          public void routing(HttpRules rules) { rules.get("/", (req, res) -> res.send("ok")); }
        }
        """);
    return dir;
  }

  @Test
  void anOpenWebSocketMovesToNewCodeAndClosesWithItsProcess() throws Exception {
    Path v1 = version("v1");
    CodeServer.load(ModuleSource.sources("wsup", v1.resolve("Echo.java"), v1.resolve("Api.java")));
    HttpServer.start(
        new HttpServer.Spec("wsup", "127.0.0.1", 0, "test.wsup.Api", null)
            .withWebSocket("/echo", "test.wsup.Echo"));
    try {
      WsTestClient client = new WsTestClient(true);
      WebSocket socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(URI.create("ws://127.0.0.1:" + HttpServer.port("wsup") + "/echo"), client)
              .get(10, TimeUnit.SECONDS);
      socket.sendText("hi", true).get(10, TimeUnit.SECONDS);
      assertThat(client.received.poll(10, TimeUnit.SECONDS)).isEqualTo("v1 echo: hi");

      Path v2 = version("v2");
      CodeServer.load(
          ModuleSource.sources("wsup", v2.resolve("Echo.java"), v2.resolve("Api.java")));

      socket.sendText("again", true).get(10, TimeUnit.SECONDS);
      assertThat(client.received.poll(10, TimeUnit.SECONDS))
          .as("the same connection, on new code")
          .isEqualTo("v2 echo: again");
      socket.sendText("bye", true).get(10, TimeUnit.SECONDS);
      assertThat(client.received.poll(10, TimeUnit.SECONDS))
          .as("the process stopped: its connection closes")
          .startsWith("closed ");
    } finally {
      HttpServer.stop("wsup");
      CodeServer.purge("wsup");
      CodeServer.delete("wsup");
      CodeServer.purge("wsup");
    }
  }
}
