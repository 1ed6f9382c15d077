package dev.molt.console;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.behaviour.ApplicationController;
import dev.molt.release.ReleaseHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Molt node: boots the permanent release under its root and serves the control channel until told
 * to stop: {@code java -cp <the jars of lib/molt-VERSION> dev.molt.console.Node --root DIR
 * [--tcp-port N]}; the launcher ({@code bin/<name> start} or {@code foreground}) runs it. Writes
 * its pid to {@code tmp/node.pid} once it answers.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Node {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Path root;
  private final ReleaseHandler releases;
  private final ReleaseCommands releaseCommands;

  /** {@code eval}'s shell keeps variables between commands, and starts afresh after this many. */
  static final int EVAL_RENEW_AFTER = 1_000;

  private final Eval eval;

  /** Open consoles by id, for an interrupt that comes on another connection. */
  private final java.util.Map<String, ConsoleSession> consoles =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Sources given to a console's {@code c}, by module: what {@code r} compiles again, in any
   * console.
   */
  private final java.util.Map<String, java.util.Set<Path>> remembered =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Instant startedAt = Instant.now();

  /** Held for the life of the process: the node is the one writer of its root. */
  @SuppressWarnings("unused")
  private static RootLock rootLock;

  private ControlServer control;

  private Node(Path root, ReleaseHandler releases) {
    this.root = root;
    this.releases = releases;
    this.releaseCommands = new ReleaseCommands(releases);
    this.eval = new Eval(root.resolve("tmp").resolve("eval"), false, EVAL_RENEW_AFTER);
  }

  /**
   * Where a running node writes its operating-system pid: {@code tmp/node.pid}, for operators and
   * their scripts.
   */
  static Path pidFile(Path root) {
    return root.resolve("tmp").resolve("node.pid");
  }

  public static void main(String[] args) throws Exception {
    Path root = null;
    Integer tcpPort = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--root" -> root = Path.of(args[++i]);
        case "--tcp-port" -> tcpPort = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: Node --root DIR [--tcp-port N]");
          System.exit(2);
        }
      }
    }
    if (root == null) {
      System.err.println("usage: Node --root DIR [--tcp-port N]");
      System.exit(2);
    }
    start(root, tcpPort);
    Thread.currentThread().join();
  }

  /** Boots the release under {@code root} and opens the control channel. */
  public static Node start(Path root, Integer tcpPort) throws IOException {
    LogLevels.apply(System.getProperty("molt.log.levels"));
    Path absolute = root.toAbsolutePath().normalize();
    Files.createDirectories(absolute.resolve("log"));
    try {
      rootLock = RootLock.acquire(absolute, "this node did not boot", Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the lock of " + absolute, e);
    }
    ReleaseHandler releases = ReleaseHandler.open(absolute);
    Node node = new Node(absolute, releases);
    String version = releases.boot();
    node.control = ControlServer.start(absolute, node.commands(), tcpPort);
    Files.writeString(pidFile(absolute), Long.toString(ProcessHandle.current().pid()));
    LOG.info("node up: release {} on {}", version, absolute);
    return node;
  }

  private ControlServer.Commands commands() {
    return new ControlServer.Commands() {
      @Override
      public String run(String command, List<String> args) throws Exception {
        return Node.this.run(command, args);
      }

      @Override
      public String run(String command, List<String> args, ControlServer.Connection connection)
          throws Exception {
        return command.startsWith("console")
            ? console(command, args, connection)
            : Node.this.run(command, args);
      }
    };
  }

  /**
   * The remote console's commands: {@code console} opens a session on this connection (its id, then
   * the banner), {@code console-line TEXT}, {@code console-complete TEXT CURSOR} and {@code
   * console-poll} use it, {@code console-interrupt ID} stops its evaluation from another
   * connection. The session ends with its connection.
   */
  private String console(String command, List<String> args, ControlServer.Connection connection)
      throws Exception {
    if (command.equals("console-interrupt")) {
      ConsoleSession session = consoles.get(ReleaseCommands.one(command, args));
      if (session == null) {
        throw new IllegalArgumentException("no console " + args.getFirst());
      }
      session.interrupt();
      return "interrupted";
    }
    if (command.equals("console")) {
      ConsoleSession session = new ConsoleSession(root, releaseCommands, remembered);
      consoles.put(session.id, session);
      connection.attach(new OpenConsole(session, consoles));
      LOG.debug("console {} opened", session.id.substring(0, 8));
      return session.id + "\n" + session.banner();
    }
    if (!(connection.attachment() instanceof OpenConsole(ConsoleSession session, var unused))) {
      throw new IllegalStateException(command + ": open a console on this connection first");
    }
    return switch (command) {
      case "console-line" -> session.line(ReleaseCommands.one(command, args));
      case "console-poll" -> session.poll();
      case "console-complete" -> {
        if (args.size() != 2) {
          throw new IllegalArgumentException("console-complete takes the line and the cursor");
        }
        yield session.complete(args.get(0), Integer.parseInt(args.get(1)));
      }
      default -> throw new IllegalArgumentException("unknown command '" + command + "'");
    };
  }

  /** A console attached to its connection: closed, and forgotten, when the connection ends. */
  private record OpenConsole(ConsoleSession session, java.util.Map<String, ConsoleSession> consoles)
      implements ControlServer.Attachment {
    @Override
    public void close() {
      consoles.remove(session.id);
      session.close();
      LOG.debug("console {} closed", session.id.substring(0, 8));
    }
  }

  private String run(String command, List<String> args) throws Exception {
    if (ReleaseCommands.ALL.contains(command)) {
      return releaseCommands.run(command, args);
    }
    return switch (command) {
      case "ping" -> "pong";
      case "status" -> status();
      case "eval" -> eval.eval(ReleaseCommands.one(command, args));
      case "stop" -> {
        Thread.ofPlatform().name("molt-stop").start(this::stop);
        yield "stopping";
      }
      default -> throw new IllegalArgumentException("unknown command '" + command + "'");
    };
  }

  private String status() {
    return "release "
        + releaseCommands.running().orElse("none")
        + " (permanent "
        + releases.permanent().orElse("none")
        + "), pid "
        + ProcessHandle.current().pid()
        + ", up "
        + Duration.between(startedAt, Instant.now()).toSeconds()
        + " s, applications "
        + ApplicationController.node().whichApplications().stream()
            .map(a -> a.name() + " " + a.version())
            .toList();
  }

  /** How long a stop waits for the commands under way (an upgrade, say) to finish. */
  private static final Duration STOP_PATIENCE =
      Duration.ofSeconds(Long.getLong("molt.stop.waitSeconds", 120));

  /**
   * Waits for the commands under way to finish and answer (new ones are refused), then stops the
   * applications, closes the channel, removes the pid file and exits.
   */
  void stop() {
    try {
      Thread.sleep(50);
      LOG.info("node stopping: waiting for the commands under way");
      int left = control.drain(STOP_PATIENCE);
      if (left > 0) {
        LOG.warn(
            "node stopping with {} commands still running after {} s (molt.stop.waitSeconds)",
            left,
            STOP_PATIENCE.toSeconds());
      }
      LOG.info("node stopping");
      ApplicationController.node().stopAll();
      eval.close();
      control.close();
      Files.deleteIfExists(pidFile(root));
    } catch (Exception e) {
      LOG.warn("while stopping: {}", e.toString());
    }
    System.exit(0);
  }
}
