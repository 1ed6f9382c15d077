package dev.molt.console;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's end of the control channel. It listens on the Unix domain socket {@code
 * <root>/tmp/control.sock} (directory 0700, socket 0600, and the peer's user checked against the
 * node's), and optionally on a loopback TCP port, where each request must carry the cookie of
 * {@code <root>/cookie} (mode 0400), compared in constant time. A request that fails authentication
 * gets an error and nothing else, and is logged.
 */
final class ControlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
  static final int MAX_CONNECTIONS = 64;

  /** Runs one authenticated command; throws to report a failure in one line. */
  @FunctionalInterface
  interface Commands {
    String run(String command, List<String> args) throws Exception;

    /**
     * As {@link #run(String, List)}, for a command that keeps something for its connection (a
     * console session).
     */
    default String run(String command, List<String> args, Connection connection) throws Exception {
      return run(command, args);
    }
  }

  /** What a command keeps for its connection (a console session), closed with the connection. */
  interface Attachment extends AutoCloseable {
    @Override
    void close();
  }

  /** One client's connection: what a command attached to it is closed when the connection ends. */
  static final class Connection implements AutoCloseable {
    private Attachment attachment;

    Object attachment() {
      return attachment;
    }

    void attach(Attachment attachment) {
      close();
      this.attachment = attachment;
    }

    @Override
    public void close() {
      Attachment attached = attachment;
      attachment = null;
      if (attached != null) {
        attached.close();
      }
    }
  }

  private final Commands commands;
  private final Path socket;
  private final ServerSocketChannel unix;
  private final ServerSocketChannel tcp;
  private final byte[] cookie;
  private final String owner;
  private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
  private volatile boolean closed;

  private ControlServer(
      Commands commands,
      Path socket,
      ServerSocketChannel unix,
      ServerSocketChannel tcp,
      byte[] cookie,
      String owner) {
    this.commands = commands;
    this.socket = socket;
    this.unix = unix;
    this.tcp = tcp;
    this.cookie = cookie;
    this.owner = owner;
  }

  /** Where the socket of a node with this root is. */
  static Path socketPath(Path root) {
    return root.resolve("tmp").resolve("control.sock");
  }

  static Path portFile(Path root) {
    return root.resolve("tmp").resolve("control.port");
  }

  static Path cookieFile(Path root) {
    return root.resolve("cookie");
  }

  /**
   * Starts listening. {@code tcpPort} is null for no TCP, 0 for any free port; the port in use is
   * written to {@code tmp/control.port}.
   */
  static ControlServer start(Path root, Commands commands, Integer tcpPort) throws IOException {
    Path tmp = root.resolve("tmp");
    Files.createDirectories(tmp);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
    byte[] cookie = tcpPort == null ? null : Cookie.readOrCreate(cookieFile(root));
    Path socket = socketPath(root);
    if (Files.exists(socket)) {
      if (ControlClient.answers(socket)) {
        throw new IllegalStateException(
            "a node is already running with root " + root + " (it answers on " + socket + ")");
      }
      Files.delete(socket);
    }
    ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    ServerSocketChannel tcp = null;
    String owner;
    try {
      unix.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      owner = Files.getOwner(socket).getName();
      if (tcpPort != null) {
        tcp = ServerSocketChannel.open();
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort));
        int port = ((InetSocketAddress) tcp.getLocalAddress()).getPort();
        Files.writeString(portFile(root), Integer.toString(port));
      }
    } catch (IOException | RuntimeException e) {
      unix.close();
      if (tcp != null) {
        tcp.close();
      }
      Files.deleteIfExists(socket);
      throw e;
    }
    ControlServer server = new ControlServer(commands, socket, unix, tcp, cookie, owner);
    ControlThreads.start("molt-control-unix", () -> server.accept(unix, false));
    if (tcp != null) {
      ControlThreads.start("molt-control-tcp", () -> server.accept(server.tcp, true));
    }
    LOG.info(
        "control channel on {}{}",
        socket,
        tcp == null ? "" : " and tcp " + tcp.socket().getLocalSocketAddress());
    return server;
  }

  private void accept(ServerSocketChannel listener, boolean overTcp) {
    while (!closed) {
      SocketChannel channel;
      try {
        channel = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("control channel stopped accepting: {}", e.toString());
        }
        return;
      }
      if (!connections.tryAcquire()) {
        LOG.warn("control channel: more than {} connections; refusing one", MAX_CONNECTIONS);
        refuse(channel, "too many connections");
        continue;
      }
      ControlThreads.start(
          "molt-control-session",
          () -> {
            Connection connection = new Connection();
            try (channel) {
              serve(channel, overTcp, connection);
            } catch (IOException e) {
              LOG.debug("control session ended: {}", e.toString());
            } finally {
              try {
                connection.close();
              } catch (RuntimeException e) {
                LOG.warn("control channel: closing a session: {}", e.toString());
              }
              connections.release();
            }
          });
    }
  }

  private void serve(SocketChannel channel, boolean overTcp, Connection connection)
      throws IOException {
    DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
    DataOutputStream out = new DataOutputStream(Channels.newOutputStream(channel));
    String peer = overTcp ? "tcp " + channel.getRemoteAddress() : "unix socket";
    String peerUser =
        overTcp ? null : channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
    Frames.Gate gate =
        (protocol, credential) -> {
          if (!Frames.PROTOCOL.equals(protocol)) {
            LOG.warn("control channel: {} speaks an unknown protocol", peer);
            return "unsupported protocol; this node speaks " + Frames.PROTOCOL;
          }
          if (!overTcp && !owner.equals(peerUser)) {
            LOG.warn(
                "control channel: refused a request from user {} (the node runs as {})",
                peerUser,
                owner);
            return "not authorized";
          }
          if (overTcp && !Cookie.matches(cookie, credential)) {
            LOG.warn("control channel: refused a request with a wrong cookie from {}", peer);
            return "not authorized";
          }
          return null;
        };
    while (true) {
      List<String> request;
      try {
        request = Frames.readRequest(in, gate);
      } catch (EOFException e) {
        return;
      } catch (Frames.Refused e) {
        Frames.writeReply(out, Frames.FAILED, e.getMessage());
        closeGracefully(channel);
        return;
      } catch (Frames.BadFrame e) {
        LOG.warn("control channel: bad request from {}: {}", peer, e.getMessage());
        Frames.writeReply(out, Frames.FAILED, "bad request: " + e.getMessage());
        closeGracefully(channel);
        return;
      }
      String command = request.get(2);
      List<String> args = request.subList(3, request.size());
      String reply;
      try {
        reply = commands.run(command, List.copyOf(args), connection);
      } catch (Exception e) {
        Frames.writeReply(
            out, Frames.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
        continue;
      }
      Frames.writeReply(out, Frames.OK, reply);
      if (command.equals("stop")) {
        awaitExit();
      }
    }
  }

  /**
   * Keeps the connection that asked the node to stop open until the node's process exits, which
   * closes it: that close is how the command line knows the node is gone, without a pid.
   */
  private static void awaitExit() {
    while (true) {
      LockSupport.park();
    }
  }

  /**
   * Ends a refused session so that the peer still reads the reply: no more output, then what it had
   * already sent is read and dropped (64 KiB and 2 seconds at most) before the close. A close with
   * unread input would reset the connection and lose the reply.
   */
  private static void closeGracefully(SocketChannel channel) throws IOException {
    channel.shutdownOutput();
    Thread closer =
        ControlThreads.start(
            "molt-control-closer",
            () -> {
              try {
                Thread.sleep(2_000);
                channel.close();
              } catch (InterruptedException | IOException e) {
                // closed already
              }
            });
    ByteBuffer drain = ByteBuffer.allocate(4096);
    int total = 0;
    try {
      int n;
      while (total < 65_536 && (n = channel.read(drain.clear())) >= 0) {
        total += n;
      }
    } catch (IOException e) {
      // closed by the timer, or by the peer
    }
    closer.interrupt();
  }

  private static void refuse(SocketChannel channel, String why) {
    try (channel) {
      Frames.writeReply(
          new DataOutputStream(Channels.newOutputStream(channel)), Frames.FAILED, why);
    } catch (IOException e) {
      // the peer went away
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    unix.close();
    if (tcp != null) {
      tcp.close();
    }
    Files.deleteIfExists(socket);
  }

  /** The cookie file: 32 random bytes as hex, mode 0400, compared in constant time. */
  static final class Cookie {
    private Cookie() {}

    static byte[] readOrCreate(Path file) throws IOException {
      if (!Files.exists(file)) {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        Path temp =
            Files.createTempFile(
                file.getParent(),
                ".cookie",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, java.util.HexFormat.of().formatHex(random));
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--------"));
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      var permissions = Files.getPosixFilePermissions(file);
      if (!permissions.equals(PosixFilePermissions.fromString("r--------"))) {
        throw new IllegalStateException(
            "the cookie file "
                + file
                + " must have mode 0400, not "
                + PosixFilePermissions.toString(permissions));
      }
      return Files.readString(file, StandardCharsets.UTF_8)
          .strip()
          .getBytes(StandardCharsets.UTF_8);
    }

    static boolean matches(byte[] cookie, String offered) {
      return MessageDigest.isEqual(cookie, offered.getBytes(StandardCharsets.UTF_8));
    }
  }
}
