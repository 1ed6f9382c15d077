package dev.molt.console;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.release.ReleaseHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code molt} command line, behind each release's {@code bin/<name>} launcher. Every command
 * exits 0 on success; on failure it prints one line saying why and exits 1 (2 for a usage error, 3
 * when no node answers).
 */
@Command(
    name = "molt",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    version = "molt 0.1.0",
    description =
        "Starts, stops and upgrades a Molt node, and asks it things over its control channel.",
    subcommands = {
      Cli.Start.class,
      Cli.Foreground.class,
      Cli.Stop.class,
      Cli.Ping.class,
      Cli.Status.class,
      Cli.Eval.class,
      Cli.Releases.class,
      Cli.Unpack.class,
      Cli.Install.class,
      Cli.Upgrade.class,
      Cli.Downgrade.class,
      Cli.Permanent.class,
      Cli.Remove.class,
      Cli.Remote.class
    })
@API(status = STABLE, since = "0.1")
public final class Cli {
  static final int FAILED = 1;
  static final int NO_NODE = 3;

  @Option(
      names = "--root",
      description =
          "The release root (default: $MOLT_ROOT, or the directory above bin/ for a launcher).")
  Path root;

  @Option(
      names = "--tcp-port",
      description = "Talk to the node over loopback TCP on this port instead of its Unix socket.")
  Integer tcpPort;

  @Option(names = "--cookie-file", description = "The cookie for TCP (default: <root>/cookie).")
  Path cookieFile;

  private Cli() {}

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      // the command line prints its own one-line results; the node's log is log/node.log
      System.setProperty(
          "logback.configurationFile",
          java.util.Arrays.asList(args).contains("foreground")
              ? "molt-foreground-logback.xml"
              : "molt-cli-logback.xml");
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    CommandLine line = new CommandLine(new Cli());
    line.setCommandName(System.getProperty("molt.command", "molt"));
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          String why = e.getMessage() == null ? e.toString() : e.getMessage();
          cmd.getErr().println("error: " + why.strip().replaceAll("\\s*\\R\\s*", "; "));
          return e instanceof NoNode ? NO_NODE : FAILED;
        });
    return line.execute(args);
  }

  Path root() {
    if (root != null) {
      return root.toAbsolutePath().normalize();
    }
    String env = System.getProperty("molt.root", System.getenv("MOLT_ROOT"));
    if (env == null) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "no release root: pass --root DIR or set MOLT_ROOT");
    }
    return Path.of(env).toAbsolutePath().normalize();
  }

  /** No node answers on the channel. */
  static final class NoNode extends IOException {
    NoNode(String message) {
      super(message);
    }
  }

  ControlClient connect() throws IOException {
    try {
      if (tcpPort != null) {
        Path cookie = cookieFile != null ? cookieFile : ControlServer.cookieFile(root());
        return ControlClient.tcp(tcpPort, Files.readString(cookie, StandardCharsets.UTF_8).strip());
      }
      return ControlClient.unix(root());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("cannot read the cookie file " + e.getFile());
    } catch (IOException e) {
      throw new NoNode(e.getMessage());
    }
  }

  /**
   * Runs one command and prints its text; fails with its text. The one path every command but
   * {@code start}, {@code foreground} and {@code remote} takes: to the node over its control
   * channel, or, when no node runs, to the root's release handler for the commands that need no
   * running release ({@link ReleaseCommands#OFFLINE}). Decided here, once.
   */
  int ask(String command, String... args) throws IOException {
    if (tcpPort == null
        && ReleaseCommands.OFFLINE.contains(command)
        && !ControlClient.answers(ControlServer.socketPath(root()))) {
      try (RootLock lock = RootLock.acquire(root(), "'" + command + "'")) {
        ReleaseHandler releases = ReleaseHandler.open(root());
        print(
            ReleaseHandler.reporting(
                progress(command),
                () -> new ReleaseCommands(releases).run(command, List.of(args))));
      }
      return 0;
    }
    try (ControlClient client = connect()) {
      // an upgrade's phases are shown as the node goes through them, then its result
      print(reply(client.onProgress(progress(command)).call(command, args)));
      return 0;
    }
  }

  /** The commands that change running code: they show their phases as they go. */
  private static final java.util.Set<String> SHOWS_PHASES =
      java.util.Set.of("install", "upgrade", "downgrade", "permanent");

  private static java.util.function.Consumer<String> progress(String command) {
    return SHOWS_PHASES.contains(command) ? Cli::print : line -> {};
  }

  private static String reply(Frames.Reply reply) {
    if (!reply.ok()) {
      throw new IllegalStateException(reply.text());
    }
    return reply.text();
  }

  private static void print(String text) {
    if (!text.isEmpty()) {
      System.out.println(text);
    }
  }

  abstract static class Sub implements Callable<Integer> {
    @ParentCommand Cli cli;
  }

  @Command(
      name = "start",
      description =
          "Starts the node in the background (logs in <root>/log/node.log, its output in"
              + " log/console.log) and waits until it answers.")
  static final class Start extends Sub {
    @Option(
        names = "--listen-tcp",
        description = "Also listen on this loopback TCP port (0: any), with the cookie.")
    Integer listenTcp;

    @Option(
        names = "--wait",
        defaultValue = "60",
        description = "Seconds to wait for the node to answer (default 60).")
    int waitSeconds;

    @Override
    public Integer call() throws Exception {
      Path root = cli.root();
      if (ControlClient.answers(ControlServer.socketPath(root))) {
        String pid;
        try {
          pid = " (pid " + Files.readString(Node.pidFile(root)).strip() + ")";
        } catch (IOException e) {
          pid = "";
        }
        throw new IllegalStateException("a node is already running with root " + root + pid);
      }
      RootLock.acquire(root, "start").close(); // refused if a node runs, answering or not
      Path logs = root.resolve("log");
      Path log = logs.resolve("node.log");
      Path console = logs.resolve("console.log");
      Files.createDirectories(logs);
      List<String> command =
          new ArrayList<>(
              List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      Path ownConfig = root.resolve("logback.xml");
      command.add(
          "-Dlogback.configurationFile="
              + (Files.isRegularFile(ownConfig) ? ownConfig.toString() : "molt-node-logback.xml"));
      command.add("-Dmolt.log.dir=" + logs);
      command.addAll(VmArgs.of(root));
      command.addAll(jvmOptions());
      command.addAll(List.of("-cp", classPath(), Node.class.getName(), "--root", root.toString()));
      if (listenTcp != null) {
        command.addAll(List.of("--tcp-port", listenTcp.toString()));
      }
      Process node =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
      Progress progress = new Progress(log);
      while (System.nanoTime() < deadline) {
        progress.show();
        if (!node.isAlive()) {
          throw new IllegalStateException(
              "the node exited with code "
                  + node.exitValue()
                  + lastFailure(console).map(why -> ": " + why).orElse("")
                  + "; see "
                  + console
                  + " and "
                  + log);
        }
        if (ControlClient.answers(ControlServer.socketPath(root))) {
          progress.show();
          System.out.println("started (pid " + node.pid() + ", log " + log + ")");
          return 0;
        }
        Thread.sleep(100);
      }
      node.destroy();
      throw new IllegalStateException(
          "the node did not answer within " + waitSeconds + " s; see " + log + " and " + console);
    }

    /**
     * The phases of a boot as the node logs them (releases, applications, fallbacks, the control
     * channel), shown as they come, so that a slow start is not a silent one.
     */
    static final class Progress {
      private static final java.util.regex.Pattern PHASE =
          java.util.regex.Pattern.compile(
              ".* (INFO|WARN|ERROR) +\\[[^]]*\\] \\S*(ReleaseHandler|ControllerServer|Node|ControlServer)"
                  + " - (.*)");
      private final Path log;
      private long offset;

      Progress(Path log) {
        this.log = log;
        try {
          offset = Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
          offset = 0;
        }
      }

      void show() {
        try (var channel = java.nio.channels.FileChannel.open(log)) {
          if (channel.size() < offset) {
            offset = 0; // rotated
          }
          java.nio.ByteBuffer bytes =
              java.nio.ByteBuffer.allocate((int) Math.min(1 << 20, channel.size() - offset));
          channel.read(bytes, offset);
          String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
          int end = text.lastIndexOf('\n');
          if (end < 0) {
            return;
          }
          offset += text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
          for (String line : text.substring(0, end).split("\n")) {
            var phase = PHASE.matcher(line);
            if (phase.matches()) {
              System.out.println("  " + phase.group(3));
            }
          }
        } catch (IOException e) {
          // no log yet
        }
      }
    }

    /**
     * Why a node that just exited failed, from the end of its log: the message of the exception
     * that ended its main thread.
     */
    static java.util.Optional<String> lastFailure(Path log) {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= Math.max(0, lines.size() - 400); i--) {
          String line = lines.get(i);
          if (line.startsWith("Exception in thread \"main\" ")) {
            String thrown = line.substring("Exception in thread \"main\" ".length());
            int colon = thrown.indexOf(": ");
            return java.util.Optional.of(colon < 0 ? thrown : thrown.substring(colon + 2));
          }
        }
      } catch (IOException | RuntimeException e) {
        // no log to read: the caller points at it anyway
      }
      return java.util.Optional.empty();
    }

    /** This JVM's class path, and its module path when it has one (as under a test runner). */
    private static String classPath() {
      String classPath = System.getProperty("java.class.path", "");
      String modulePath = System.getProperty("jdk.module.path");
      return modulePath == null || modulePath.isBlank()
          ? classPath
          : classPath.isBlank() ? modulePath : modulePath + java.io.File.pathSeparator + classPath;
    }

    private static List<String> jvmOptions() {
      List<String> options = new ArrayList<>();
      String extra = System.getenv("MOLT_JVM_OPTIONS");
      if (extra != null && !extra.isBlank()) {
        options.addAll(List.of(extra.trim().split("\\s+")));
      }
      return options;
    }
  }

  @Command(name = "foreground", description = "Runs the node in this process until it is stopped.")
  static final class Foreground extends Sub {
    @Option(
        names = "--listen-tcp",
        description = "Also listen on this loopback TCP port (0: any), with the cookie.")
    Integer listenTcp;

    @Override
    public Integer call() throws Exception {
      Node.start(cli.root(), listenTcp);
      Thread.currentThread().join();
      return 0;
    }
  }

  @Command(
      name = "stop",
      description = "Stops the node's applications and the node, and waits for it to exit.")
  static final class Stop extends Sub {
    @Option(
        names = "--wait",
        defaultValue = "30",
        description = "Seconds to wait for the node to exit (default 30).")
    int waitSeconds;

    @Override
    public Integer call() throws Exception {
      try (ControlClient client = cli.connect()) {
        print(reply(client.call("stop")));
        if (!client.awaitClose(Duration.ofSeconds(waitSeconds))) {
          throw new IllegalStateException(
              "the node said it was stopping but did not exit within " + waitSeconds + " s");
        }
      }
      return 0;
    }
  }

  /** A command the node runs as it is named, without arguments. */
  abstract static class Forward extends Sub {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    List<String> args() {
      return List.of();
    }

    @Override
    public Integer call() throws Exception {
      return cli.ask(spec.name(), args().toArray(String[]::new));
    }
  }

  /** A command the node runs as it is named, on one release version. */
  abstract static class ForwardVersion extends Forward {
    @Parameters(paramLabel = "VERSION")
    String version;

    @Override
    List<String> args() {
      return List.of(version);
    }
  }

  @Command(name = "ping", description = "Prints pong if the node answers.")
  static final class Ping extends Forward {}

  @Command(
      name = "status",
      description = "The running release, the permanent one, the pid, uptime and applications.")
  static final class Status extends Forward {}

  @Command(
      name = "releases",
      description = "Every release on the node: permanent, current, old or unpacked.")
  static final class Releases extends Forward {}

  @Command(
      name = "install",
      description = "Installs an unpacked release live; it becomes current, not permanent.")
  static final class Install extends ForwardVersion {}

  @Command(
      name = "downgrade",
      description =
          "Installs an older release through the running one's down script and makes it permanent.")
  static final class Downgrade extends ForwardVersion {}

  @Command(
      name = "permanent",
      description = "Makes the current release permanent and purges old code.")
  static final class Permanent extends ForwardVersion {}

  @Command(
      name = "remove",
      description = "Removes a release that is neither permanent nor running.")
  static final class Remove extends ForwardVersion {}

  @Command(
      name = "remote",
      description =
          "Opens an interactive console in the node: IEx-style helpers (c, l, r, sys, "
              + "processes, modules, releases, leaks; help lists them) and Java evaluated against the node's current code. "
              + "Ctrl-C stops an evaluation, Ctrl-D leaves; leaving never stops the node.")
  static final class Remote extends Sub {
    @Option(
        names = "--history",
        description = "The history file (default: $MOLT_HISTORY, or ~/.molt/history).")
    Path history;

    @Override
    public Integer call() throws Exception {
      Path file =
          history != null
              ? history
              : System.getenv("MOLT_HISTORY") != null
                  ? Path.of(System.getenv("MOLT_HISTORY"))
                  : Path.of(System.getProperty("user.home"), ".molt", "history");
      ControlClient session = cli.connect();
      return new dev.molt.console.Remote(
              session, cli::connect, dev.molt.console.Remote.terminal(), file)
          .run();
    }
  }

  @Command(
      name = "eval",
      description =
          "Evaluates Java inside the node against its current code and prints the result.")
  static final class Eval extends Sub {
    @Parameters(
        paramLabel = "JAVA",
        description = "An expression or statements, e.g. 'KV.get(\"a\")'.")
    String code;

    @Override
    public Integer call() throws Exception {
      return cli.ask("eval", code);
    }
  }

  @Command(
      name = "unpack",
      description =
          "Verifies and unpacks a release tarball under the root (through the node if one runs).")
  static final class Unpack extends Sub {
    @Parameters(paramLabel = "TARBALL")
    Path tarball;

    @Override
    public Integer call() throws Exception {
      return cli.ask("unpack", tarball.toAbsolutePath().toString());
    }
  }

  @Command(
      name = "upgrade",
      description = "Unpacks (if given a tarball), installs live and makes permanent.")
  static final class Upgrade extends Sub {
    @Parameters(
        paramLabel = "VERSION|TARBALL",
        description = "A release version already unpacked, or a release tarball (a file).")
    String target;

    @Override
    public Integer call() throws Exception {
      Path tarball = Path.of(target);
      if (Files.isRegularFile(tarball)) {
        return cli.ask("upgrade", ReleaseCommands.TARBALL, tarball.toAbsolutePath().toString());
      }
      if (target.contains("/") || target.endsWith(".tar.gz") || target.endsWith(".tgz")) {
        // a version has no slash: this was meant as a file
        throw new IllegalArgumentException(
            "no such tarball: "
                + tarball.toAbsolutePath()
                + (Files.exists(tarball) ? " is not a regular file" : " does not exist"));
      }
      return cli.ask("upgrade", ReleaseCommands.VERSION, target);
    }
  }
}
