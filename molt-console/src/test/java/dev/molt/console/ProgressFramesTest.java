package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upgrade's progress lines reach its client in order before the reply, and a client that does
 * not read can hold up no command: the lines wait in a bounded queue of their own.
 */
class ProgressFramesTest {

  @Test
  void theLinesArriveInOrderBeforeTheReply() throws Exception {
    try (Connection connection = Connection.open()) {
      DataOutputStream out = connection.nodeOut();
      try (ProgressFrames progress = new ProgressFrames(out)) {
        for (int i = 0; i < 100; i++) {
          progress.offer("step " + i);
        }
      }
      Frames.writeReply(out, Frames.OK, "done");

      List<String> lines = new ArrayList<>();
      Frames.Reply reply = Frames.readReply(connection.clientIn(), lines::add);
      assertThat(reply).isEqualTo(new Frames.Reply(Frames.OK, "done"));
      assertThat(lines).hasSize(100).startsWith("step 0", "step 1").endsWith("step 99");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aClientThatNeverReadsHoldsUpNoCommand() throws Exception {
    try (Connection connection = Connection.open()) {
      ProgressFrames progress = new ProgressFrames(connection.nodeOut());
      String line = "x".repeat(10_000);
      // 50 MB of progress, far more than the socket buffers hold: every offer returns at once
      for (int i = 0; i < 5_000; i++) {
        progress.offer(line);
      }
      connection.client().close(); // the client goes away without reading
      progress.close(); // and the command's connection is let go
    }
  }

  @Test
  void aClientOfTheFirstProtocolGetsNoProgressFrames() throws Exception {
    try (Connection connection = Connection.open()) {
      DataOutputStream out = connection.nodeOut();
      try (ProgressFrames progress = new ProgressFrames(null)) {
        progress.offer("not sent");
      }
      Frames.writeReply(out, Frames.OK, "done");

      assertThat(connection.clientIn().readInt())
          .as("the reply comes first, as molt-control/1 reads it")
          .isZero();
    }
  }

  /** Both ends of a loopback TCP connection: the node's (accepted) and the client's. */
  private record Connection(
      ServerSocketChannel server, SocketChannel client, SocketChannel accepted)
      implements AutoCloseable {
    static Connection open() throws java.io.IOException {
      ServerSocketChannel server =
          ServerSocketChannel.open()
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      SocketChannel client = SocketChannel.open(server.getLocalAddress());
      return new Connection(server, client, server.accept());
    }

    DataOutputStream nodeOut() {
      return new DataOutputStream(Channels.newOutputStream(accepted));
    }

    DataInputStream clientIn() {
      return new DataInputStream(Channels.newInputStream(client));
    }

    @Override
    public void close() throws java.io.IOException {
      try (server;
          client;
          accepted) {
        // all three closed
      }
    }
  }
}
