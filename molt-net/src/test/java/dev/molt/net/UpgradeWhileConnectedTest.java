package dev.molt.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection's process is module code; the listener and the socket are not. A new version of the
 * module moves the open connection to new code with its socket open, and the connections accepted
 * after it start on the new code.
 */
class UpgradeWhileConnectedTest {
  @TempDir Path work;

  private Path version(String tag) throws Exception {
    Path dir = Files.createDirectories(work.resolve(tag).resolve("test/netup"));
    Files.writeString(
        dir.resolve("Greeter.java"),
        """
        package test.netup;
        import dev.molt.behaviour.*;
        import dev.molt.net.*;
        public final class Greeter implements GenServer<TcpSocket> {
          public Init<TcpSocket> init(Object arg) {
            TcpSocket socket = ((TcpListener.Connection) arg).socket();
            socket.setActiveOnce();
            return Init.ok(socket);
          }
          public CastResult<TcpSocket> handleInfo(Object message, TcpSocket socket) {
            if (message instanceof TcpData data) {
              socket.send("%s " + data.text());
              socket.setActiveOnce();
            }
            return new NoReply<>(socket);
          }
          public CallResult<TcpSocket> handleCall(Object request, From from, TcpSocket socket) {
            return new Reply<>("ok", socket);
          }
          public CastResult<TcpSocket> handleCast(Object request, TcpSocket socket) {
            return new NoReply<>(socket);
          }
        }
        """
            .formatted(tag));
    return dir.resolve("Greeter.java");
  }

  @Test
  void anOpenConnectionMovesToNewCodeWithItsSocketOpen() throws Exception {
    CodeServer.load(ModuleSource.sources("netup", version("v1")));
    TcpListener.Spec spec =
        new TcpListener.Spec(
            "netup",
            new java.net.InetSocketAddress("127.0.0.1", 0),
            "test.netup.Greeter",
            null,
            2,
            100,
            SocketOptions.lines(),
            null);
    TcpListener.start(spec);
    try (Socket before = new Socket("127.0.0.1", TcpListener.port("netup"))) {
      before.setSoTimeout(10_000);
      var in =
          new BufferedReader(
              new InputStreamReader(before.getInputStream(), StandardCharsets.UTF_8));
      var out = new PrintWriter(before.getOutputStream(), true, StandardCharsets.UTF_8);
      out.println("hello");
      assertThat(in.readLine()).isEqualTo("v1 hello");

      CodeServer.load(ModuleSource.sources("netup", version("v2")));

      out.println("again");
      assertThat(in.readLine()).as("the same connection, on new code").isEqualTo("v2 again");
      try (Socket after = new Socket("127.0.0.1", TcpListener.port("netup"))) {
        after.setSoTimeout(10_000);
        new PrintWriter(after.getOutputStream(), true, StandardCharsets.UTF_8).println("new");
        assertThat(
                new BufferedReader(
                        new InputStreamReader(after.getInputStream(), StandardCharsets.UTF_8))
                    .readLine())
            .as("a connection accepted after the upgrade")
            .isEqualTo("v2 new");
      }
    } finally {
      TcpListener.stop("netup");
      CodeServer.purge("netup");
      CodeServer.delete("netup");
      CodeServer.purge("netup");
    }
  }
}
