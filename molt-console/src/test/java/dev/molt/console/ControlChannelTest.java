package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control channel on real sockets: who may talk to it, and what it does with garbage. */
class ControlChannelTest {
  @TempDir Path root;

  private final List<String> ran = new CopyOnWriteArrayList<>();
  private ControlServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        ControlServer.start(
            root,
            (command, args) -> {
              ran.add(command + args);
              return switch (command) {
                case "ping" -> "pong";
                case "fail" -> throw new IllegalStateException("it failed, on purpose");
                case "big" -> "y".repeat(2_000_000);
                default -> command + " " + args;
              };
            },
            0);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  private int port() throws IOException {
    return Integer.parseInt(Files.readString(ControlServer.portFile(root)).strip());
  }

  private String cookie() throws IOException {
    return Files.readString(ControlServer.cookieFile(root)).strip();
  }

  @Test
  void theSocketIsReachableOnlyByItsOwner() throws IOException {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("tmp"))))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ControlServer.socketPath(root))))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ControlServer.cookieFile(root))))
        .isEqualTo("r--------");
    try (ControlClient client = ControlClient.unix(root)) {
      assertThat(client.call("ping")).isEqualTo(new Frames.Reply(Frames.OK, "pong"));
      assertThat(client.call("echo", "a", "b c"))
          .isEqualTo(new Frames.Reply(Frames.OK, "echo [a, b c]"));
      assertThat(client.call("fail"))
          .isEqualTo(new Frames.Reply(Frames.FAILED, "it failed, on purpose"));
    }
  }

  @Test
  void tcpListensOnLoopbackAndNeedsTheCookie() throws Exception {
    try (ControlClient client = ControlClient.tcp(port(), cookie())) {
      assertThat(client.call("ping").text()).isEqualTo("pong");
    }
    for (String wrong : List.of("", "0".repeat(64), cookie() + "x", cookie().substring(1))) {
      try (ControlClient client = ControlClient.tcp(port(), wrong)) {
        assertThat(client.call("secret"))
            .isEqualTo(new Frames.Reply(Frames.FAILED, "not authorized"));
      }
    }
    assertThat(ran).as("no unauthenticated command ran").containsExactly("ping[]");
    try (SocketChannel channel = SocketChannel.open()) {
      channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
      assertThat(((InetSocketAddress) channel.getRemoteAddress()).getAddress().isLoopbackAddress())
          .isTrue();
    }
    for (InetAddress address :
        java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
            .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
            .filter(a -> !a.isLoopbackAddress())
            .toList()) {
      assertThatThrownBy(
              () -> {
                try (SocketChannel channel = SocketChannel.open()) {
                  channel.connect(new InetSocketAddress(address, port()));
                }
              })
          .as("not reachable on " + address)
          .isInstanceOf(IOException.class);
    }
  }

  /** A server on a fresh root with small limits and a short deadline. */
  private ControlServer small(Path dir) throws IOException {
    return ControlServer.start(
        dir,
        (command, args) -> command.equals("ping") ? "pong" : command,
        0,
        new ControlLimits(2, 2, 4, 2, Duration.ofMillis(500)));
  }

  private static SocketChannel connectTcp(int port) throws IOException {
    return SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  @Test // issue 12: 1,000 idle connections over TCP without a cookie lock no one out
  void idleConnectionsLockNoOneOut(@TempDir Path dir) throws Exception {
    try (ControlServer limited = small(dir)) {
      int port = Integer.parseInt(Files.readString(ControlServer.portFile(dir)).strip());
      String cookie = Files.readString(ControlServer.cookieFile(dir)).strip();
      List<SocketChannel> idle = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 1000; i++) {
          idle.add(connectTcp(port));
        }
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> {
              for (int i = 0; i < 5; i++) {
                try (ControlClient client = ControlClient.unix(dir)) {
                  assertThat(client.call("ping").text()).isEqualTo("pong");
                }
                try (ControlClient client = ControlClient.tcp(port, cookie)) {
                  assertThat(client.call("ping").text()).isEqualTo("pong");
                }
              }
            });
      } finally {
        for (SocketChannel channel : idle) {
          channel.close();
        }
      }
    }
  }

  @Test // issue 12: a connection that sends nothing is closed after the deadline
  void aConnectionThatSendsNothingIsClosed(@TempDir Path dir) throws Exception {
    try (ControlServer limited = small(dir)) {
      int port = Integer.parseInt(Files.readString(ControlServer.portFile(dir)).strip());
      try (SocketChannel channel = connectTcp(port)) {
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                assertThat(channel.read(ByteBuffer.allocate(16)))
                    .as("closed by the node")
                    .isEqualTo(-1));
      }
      // one that sends half a request and stops is closed the same way
      try (SocketChannel channel = connectTcp(port)) {
        channel.write(ByteBuffer.wrap(ints(3, 14)));
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> assertThat(channel.read(ByteBuffer.allocate(16))).isEqualTo(-1));
      }
    }
  }

  @Test // issue 12: TCP and the Unix socket have pools of their own
  void aFullTcpPoolLeavesTheUnixSocketOpen(@TempDir Path dir) throws Exception {
    try (ControlServer limited = small(dir)) {
      int port = Integer.parseInt(Files.readString(ControlServer.portFile(dir)).strip());
      String cookie = Files.readString(ControlServer.cookieFile(dir)).strip();
      try (ControlClient first = ControlClient.tcp(port, cookie);
          ControlClient second = ControlClient.tcp(port, cookie)) {
        assertThat(first.call("ping").text()).isEqualTo("pong");
        assertThat(second.call("ping").text()).isEqualTo("pong");
        try (ControlClient third = ControlClient.tcp(port, cookie)) {
          assertThat(third.call("ping"))
              .isEqualTo(new Frames.Reply(Frames.FAILED, "too many connections"));
        }
        try (ControlClient owner = ControlClient.unix(dir)) {
          assertThat(owner.call("ping").text()).isEqualTo("pong");
        }
        // an authenticated connection keeps its place past the deadline: one opened after it,
        // which sends nothing, is closed by then
        try (SocketChannel idle = connectTcp(port)) {
          assertTimeoutPreemptively(
              Duration.ofSeconds(20),
              () -> assertThat(idle.read(ByteBuffer.allocate(16))).isEqualTo(-1));
        }
        assertThat(first.call("ping").text()).isEqualTo("pong");
      }
      // places are given back when connections end
      try (ControlClient again = ControlClient.tcp(port, cookie)) {
        assertThat(again.call("ping").text()).isEqualTo("pong");
      }
    }
  }

  @Test
  void limitsComeFromSystemPropertiesAndBadOnesAreRefusedByName() {
    assertThat(ControlLimits.fromSystemProperties()).isEqualTo(ControlLimits.DEFAULTS);
    System.setProperty("molt.control.tcp", "7");
    System.setProperty("molt.control.authTimeoutMs", "250");
    try {
      assertThat(ControlLimits.fromSystemProperties())
          .extracting(ControlLimits::tcp, ControlLimits::authTimeout)
          .containsExactly(7, Duration.ofMillis(250));
      System.setProperty("molt.control.tcp", "seven");
      assertThatThrownBy(ControlLimits::fromSystemProperties)
          .hasMessage("molt.control.tcp must be a whole number, not 'seven'");
      System.setProperty("molt.control.tcp", "0");
      assertThatThrownBy(ControlLimits::fromSystemProperties)
          .hasMessage("molt.control.tcp must be 1 or more, not 0");
    } finally {
      System.clearProperty("molt.control.tcp");
      System.clearProperty("molt.control.authTimeoutMs");
    }
  }

  @Test
  void aCookieFileOthersCanReadIsRefused() throws IOException {
    server.close();
    Files.setPosixFilePermissions(
        ControlServer.cookieFile(root), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> ControlServer.start(root, (c, a) -> "x", 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must have mode 0400");
    server = ControlServer.start(root, (c, a) -> "x", null);
  }

  @Test
  void malformedRequestsGetAnErrorAndRunNothing() throws Exception {
    byte[][] hostile = {
      ints(-1),
      ints(2, 0, 0),
      ints(100_000),
      ints(3, Integer.MAX_VALUE),
      ints(3, -5),
      ints(3, 10, 1, 2),
      concat(ints(3, 2), new byte[] {(byte) 0xC3, (byte) 0x28}),
      request("other-protocol/9", "", "ping"),
    };
    for (byte[] bytes : hostile) {
      String reply = raw(bytes);
      assertThat(reply)
          .as(java.util.Arrays.toString(bytes))
          .matches("(bad request|unsupported protocol).*|<closed>");
    }
    assertThat(ran).isEmpty();
    try (ControlClient client = ControlClient.unix(root)) {
      assertThat(client.call("ping").text()).as("still serving").isEqualTo("pong");
    }
  }

  @Test
  void anotherUserCannotReachTheSocketNorTalkThroughALoosenedOne() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name"))
            && Files.isExecutable(Path.of("/usr/sbin/runuser"))
            && Files.isExecutable(Path.of("/usr/bin/python3")),
        "needs root, runuser and python3 to act as user nobody");
    String client =
        """
        import socket, struct, sys
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(sys.argv[1])
        except OSError as e:
            print("refused:", e.strerror); sys.exit(0)
        def string(t):
            b = t.encode(); return struct.pack(">i", len(b)) + b
        try:
            s.sendall(struct.pack(">i", 3) + string("molt-control/1") + string("") + string("ping"))
        except OSError:
            pass
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
        print("reply:", data[8:].decode(errors="replace") if len(data) >= 8 else "<none>")
        """;
    Path script = root.resolve("client.py");
    Files.writeString(script, client);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    String socket = ControlServer.socketPath(root).toString();
    assertThat(asNobody(script, socket)).startsWith("refused: Permission denied");

    Files.setPosixFilePermissions(
        root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(
        ControlServer.socketPath(root), PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(asNobody(script, socket))
        .as("the peer's user is checked too")
        .isEqualTo("reply: not authorized");
    assertThat(ran).isEmpty();
  }

  private static String asNobody(Path script, String socket) throws Exception {
    Process process =
        new ProcessBuilder(
                "/usr/sbin/runuser",
                "-u",
                "nobody",
                "--",
                "/usr/bin/python3",
                script.toString(),
                socket)
            .redirectErrorStream(true)
            .start();
    String out =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void aReplyTooLargeForAFrameFailsInWordsAndTheConnectionGoesOn() throws IOException {
    try (ControlClient client = ControlClient.unix(root)) {
      Frames.Reply big = client.call("big");
      assertThat(big.ok()).isFalse();
      assertThat(big.text())
          .startsWith("the reply is 2000000 bytes, more than the 1048576 a reply may hold");
      assertThat(client.call("ping")).isEqualTo(new Frames.Reply(Frames.OK, "pong"));
    }
  }

  @Test
  void aClientOfTheFirstProtocolIsServedAndAnUnknownOneIsToldWhatTheNodeSpeaks()
      throws IOException {
    java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream();
    Frames.writeRequest(
        new java.io.DataOutputStream(first), List.of(Frames.PROTOCOL_WITHOUT_PROGRESS, "", "ping"));
    assertThat(raw(first.toByteArray())).isEqualTo("pong");

    java.io.ByteArrayOutputStream unknown = new java.io.ByteArrayOutputStream();
    Frames.writeRequest(
        new java.io.DataOutputStream(unknown), List.of("molt-control/9", "", "ping"));
    assertThat(raw(unknown.toByteArray()))
        .isEqualTo("unsupported protocol; this node speaks molt-control/2 and molt-control/1");
  }

  /** Sends raw bytes on the Unix socket, then reads a reply if the server sends one. */
  private String raw(byte[] bytes) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(ControlServer.socketPath(root)));
      channel.write(ByteBuffer.wrap(bytes));
      channel.shutdownOutput();
      DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
      try {
        return Frames.readReply(in).text();
      } catch (IOException e) {
        return "<closed>";
      }
    }
  }

  private static byte[] ints(int... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4);
    for (int value : values) {
      buffer.putInt(value);
    }
    return buffer.array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static byte[] request(String... strings) throws IOException {
    var bytes = new java.io.ByteArrayOutputStream();
    Frames.writeRequest(new DataOutputStream(bytes), List.of(strings));
    return bytes.toByteArray();
  }
}
