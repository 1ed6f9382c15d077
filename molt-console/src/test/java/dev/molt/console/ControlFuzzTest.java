package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random bytes at the control socket: no command runs, nothing breaks, and the node keeps
 * answering.
 */
class ControlFuzzTest {
  private static Path root;
  private static ControlServer server;
  private static final List<String> RAN = new CopyOnWriteArrayList<>();

  @BeforeContainer
  static void start() throws IOException {
    root = Files.createTempDirectory("molt-control-fuzz");
    server =
        ControlServer.start(
            root,
            (command, args) -> {
              RAN.add(command);
              return "ran " + command;
            },
            null);
  }

  @AfterContainer
  static void stop() throws IOException {
    server.close();
  }

  @Provide
  Arbitrary<byte[]> garbage() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    Arbitrary<byte[]> framed =
        Arbitraries.integers()
            .between(-3, 70)
            .flatMap(
                count ->
                    Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMaxSize(100)
                        .map(
                            rest ->
                                ByteBuffer.allocate(4 + rest.length)
                                    .putInt(count)
                                    .put(rest)
                                    .array()));
    return Arbitraries.oneOf(random, framed);
  }

  @Property(tries = 300)
  void garbageRunsNothing(@ForAll("garbage") byte[] bytes) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(ControlServer.socketPath(root)));
      try {
        channel.write(ByteBuffer.wrap(bytes));
        channel.shutdownOutput();
        Frames.readReply(new DataInputStream(Channels.newInputStream(channel)));
      } catch (IOException e) {
        // refused or closed: both are fine
      }
    }
    assertThat(RAN).isEmpty();
    try (ControlClient client = ControlClient.unix(root)) {
      assertThat(client.call("ping").text()).isEqualTo("ran ping");
    }
    RAN.clear();
  }
}
