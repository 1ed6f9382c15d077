package dev.molt.console;

import dev.molt.release.ReleaseHandler;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's end of the control channel. It listens on the Unix domain socket {@code
 * <root>/tmp/control.sock} (directory 0700, socket 0600, and the peer's user checked against the
 * node's), and optionally on a loopback TCP port, where each request must carry the cookie of
 * {@code <root>/cookie} (mode 0400), compared in constant time. A request that fails authentication
 * gets an error and nothing else, and is logged (at most once per 10 seconds for each kind of
 * refusal, with the count of those left out).
 *
 * <p>Connections are admitted by {@link ControlLimits}: a Unix socket connection from another user
 * is refused when it is accepted; the owner's connections have a pool of their own; a TCP
 * connection has a small place among the unauthenticated ones ({@link Admission}) until its first
 * request shows the cookie, which must come within the deadline, and then one of the TCP pool.
 */
final class ControlServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

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
  private final ControlLimits limits;
  private final Semaphore unixPlaces;
  private final Semaphore tcpPlaces;
  private final Admission admission;
  private final ScheduledExecutorService deadlines;
  private final RateLimitedLog refusedUser = rateLimited();
  private final RateLimitedLog wrongCookie = rateLimited();
  private final RateLimitedLog badRequest = rateLimited();
  private final RateLimitedLog full = rateLimited();
  private final RateLimitedLog pushedOut = rateLimited();
  private final RateLimitedLog tooSlow = rateLimited();
  private volatile boolean closed;

  /** Set when the node starts to stop: new commands are refused, those under way finish. */
  private volatile boolean draining;

  /** Commands running (stop aside), each until its reply is written. */
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();

  private ControlServer(
      Commands commands,
      Path socket,
      ServerSocketChannel unix,
      ServerSocketChannel tcp,
      byte[] cookie,
      String owner,
      ControlLimits limits) {
    this.commands = commands;
    this.socket = socket;
    this.unix = unix;
    this.tcp = tcp;
    this.cookie = cookie;
    this.owner = owner;
    this.limits = limits;
    this.unixPlaces = new Semaphore(limits.unix());
    this.tcpPlaces = new Semaphore(limits.tcp());
    this.admission = new Admission(limits.unauthenticated(), limits.unauthenticatedPerPeer());
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("molt-control-deadlines").daemon().unstarted(r));
  }

  private static RateLimitedLog rateLimited() {
    return new RateLimitedLog(LOG::warn, LOG_INTERVAL_NANOS, System::nanoTime);
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
    return start(root, commands, tcpPort, ControlLimits.fromSystemProperties());
  }

  /** As {@link #start(Path, Commands, Integer)}, with these limits. */
  static ControlServer start(Path root, Commands commands, Integer tcpPort, ControlLimits limits)
      throws IOException {
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
    ControlServer server = new ControlServer(commands, socket, unix, tcp, cookie, owner, limits);
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
      try {
        if (overTcp) {
          admitTcp(channel);
        } else {
          admitUnix(channel);
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("control channel: a connection ended as it came: {}", e.toString());
        closeQuietly(channel);
      }
    }
  }

  /** The owner's connections get a place of the Unix pool; anyone else is refused at once. */
  private void admitUnix(SocketChannel channel) throws IOException {
    String peerUser = channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
    if (!owner.equals(peerUser)) {
      refusedUser.warn(
          "control channel: refused a connection from user "
              + peerUser
              + " (the node runs as "
              + owner
              + ")");
      refuse(channel, "not authorized");
      return;
    }
    if (!unixPlaces.tryAcquire()) {
      full.warn(
          "control channel: the owner has "
              + limits.unix()
              + " connections on the Unix socket (molt.control.unix); refusing one");
      refuse(channel, "too many connections");
      return;
    }
    startSession(new Session(channel, "unix socket", null, unixPlaces));
  }

  /**
   * A TCP connection takes a place among the unauthenticated ones, pushing out the oldest if none
   * is free, and loses it if it has not authenticated within the deadline.
   */
  private void admitTcp(SocketChannel channel) throws IOException {
    InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
    List<Admission.Waiting> evicted = new ArrayList<>();
    Admission.Waiting waiting = admission.admit(channel, remote.getAddress(), evicted);
    for (Admission.Waiting old : evicted) {
      closeQuietly(old.channel);
    }
    if (!evicted.isEmpty()) {
      pushedOut.warn(
          "control channel: more connections waiting to authenticate than allowed ("
              + limits.unauthenticated()
              + " in all, "
              + limits.unauthenticatedPerPeer()
              + " per peer); closed the oldest, from "
              + evicted.getFirst().peer.getHostAddress());
    }
    Session session = new Session(channel, "tcp " + remote, waiting, null);
    deadlines.schedule(
        () -> {
          if (admission.leave(waiting)) {
            tooSlow.warn(
                "control channel: closed a connection from "
                    + remote
                    + " that sent no request within "
                    + limits.authTimeout().toMillis()
                    + " ms");
            closeQuietly(channel);
          }
        },
        limits.authTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
    startSession(session);
  }

  /** One connection being served: where it holds a place, and whether it authenticated. */
  private static final class Session {
    final SocketChannel channel;
    final String peer;
    final Admission.Waiting waiting;
    Semaphore places;
    boolean authenticated;

    /** Whether the request being served takes progress frames (by its protocol). */
    boolean progress;

    Session(SocketChannel channel, String peer, Admission.Waiting waiting, Semaphore places) {
      this.channel = channel;
      this.peer = peer;
      this.waiting = waiting;
      this.places = places;
      this.authenticated = waiting == null;
    }
  }

  private void startSession(Session session) {
    ControlThreads.start(
        "molt-control-session",
        () -> {
          Connection connection = new Connection();
          try (session.channel) {
            serve(session, connection);
          } catch (IOException e) {
            LOG.debug("control session ended: {}", e.toString());
          } finally {
            try {
              connection.close();
            } catch (RuntimeException e) {
              LOG.warn("control channel: closing a session: {}", e.toString());
            }
            if (session.waiting != null) {
              admission.leave(session.waiting);
            }
            if (session.places != null) {
              session.places.release();
            }
          }
        });
  }

  /** Whether {@code session}'s first request may go on; null if so, else why not. */
  private String check(Session session, String protocol, String credential) {
    if (!Frames.PROTOCOL.equals(protocol) && !Frames.PROTOCOL_WITHOUT_PROGRESS.equals(protocol)) {
      badRequest.warn("control channel: " + session.peer + " speaks an unknown protocol");
      return "unsupported protocol; this node speaks "
          + Frames.PROTOCOL
          + " and "
          + Frames.PROTOCOL_WITHOUT_PROGRESS;
    }
    session.progress = Frames.PROTOCOL.equals(protocol);
    if (session.authenticated) {
      return null;
    }
    if (!Cookie.matches(cookie, credential)) {
      wrongCookie.warn(
          "control channel: refused a request with a wrong cookie from " + session.peer);
      return "not authorized";
    }
    if (!admission.leave(session.waiting)) {
      return "too slow: the connection ran out of time to authenticate";
    }
    if (!tcpPlaces.tryAcquire()) {
      full.warn(
          "control channel: "
              + limits.tcp()
              + " authenticated TCP connections (molt.control.tcp); refusing one");
      return "too many connections";
    }
    session.places = tcpPlaces;
    session.authenticated = true;
    return null;
  }

  private void serve(Session session, Connection connection) throws IOException {
    SocketChannel channel = session.channel;
    DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
    DataOutputStream out = new DataOutputStream(Channels.newOutputStream(channel));
    Frames.Gate gate = (protocol, credential) -> check(session, protocol, credential);
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
        badRequest.warn(
            "control channel: bad request from " + session.peer + ": " + e.getMessage());
        Frames.writeReply(out, Frames.FAILED, "bad request: " + e.getMessage());
        closeGracefully(channel);
        return;
      }
      String command = request.get(2);
      List<String> args = request.subList(3, request.size());
      boolean stop = command.equals("stop");
      if (!stop) {
        inFlight.incrementAndGet();
      }
      try {
        if (draining && !stop) {
          Frames.writeReply(out, Frames.FAILED, "the node is stopping; '" + command + "' not run");
          continue;
        }
        String reply;
        try (ProgressFrames progress = new ProgressFrames(session.progress ? out : null)) {
          reply =
              ReleaseHandler.reporting(
                  progress::offer, () -> commands.run(command, List.copyOf(args), connection));
        } catch (Exception e) {
          Frames.writeReply(
              out, Frames.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
          continue;
        }
        Frames.writeReply(out, Frames.OK, reply);
      } finally {
        if (!stop) {
          inFlight.decrementAndGet();
        }
      }
      if (stop) {
        awaitExit();
      }
    }
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closed already
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

  /** Refusals being answered: past this many, a refused connection is just closed. */
  private final Semaphore refusals = new Semaphore(64);

  /**
   * Answers a connection refused when it came, away from the accepting thread: the reply, then a
   * graceful close so that the peer reads it even if it sends its request after the refusal.
   */
  private void refuse(SocketChannel channel, String why) {
    if (!refusals.tryAcquire()) {
      closeQuietly(channel);
      return;
    }
    ControlThreads.start(
        "molt-control-refusal",
        () -> {
          try (channel) {
            Frames.writeReply(
                new DataOutputStream(Channels.newOutputStream(channel)), Frames.FAILED, why);
            closeGracefully(channel);
          } catch (IOException e) {
            // the peer went away
          } finally {
            refusals.release();
          }
        });
  }

  /**
   * The first step of a stop: refuses new commands, and waits up to {@code patience} for those
   * under way (an install, say) to finish and write their replies. Returns how many were still
   * running at the end.
   */
  int drain(java.time.Duration patience) {
    draining = true;
    long deadline = System.nanoTime() + patience.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(10_000_000);
    }
    return inFlight.get();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    deadlines.shutdownNow();
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
