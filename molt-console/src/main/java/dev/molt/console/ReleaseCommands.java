package dev.molt.console;

import dev.molt.release.InstallResult;
import dev.molt.release.ReleaseHandler;
import dev.molt.release.ReleaseStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The release commands of {@code bin/<name>} over a release handler, each rendered as the one text
 * the command prints. A node runs them for its control channel; the command line runs the ones in
 * {@link #OFFLINE} itself on a root where no node runs. Either way they go through here, and the
 * handler does the work: this class only reads arguments and writes results.
 *
 * <table>
 *   <caption>The commands</caption>
 *   <tr><th>command</th><th>arguments</th><th>handler</th></tr>
 *   <tr><td>releases</td><td></td><td>{@link ReleaseHandler#whichReleases}</td></tr>
 *   <tr><td>unpack</td><td>an absolute tarball path</td><td>{@link ReleaseHandler#unpack}</td></tr>
 *   <tr><td>install</td><td>a version</td><td>{@link ReleaseHandler#install}</td></tr>
 *   <tr><td>upgrade</td><td>{@code tarball PATH} or {@code version VSN}</td><td>{@link ReleaseHandler#upgrade(Path)}, {@link ReleaseHandler#upgrade(String)}</td></tr>
 *   <tr><td>downgrade</td><td>a version</td><td>{@link ReleaseHandler#downgrade}</td></tr>
 *   <tr><td>permanent</td><td>a version</td><td>{@link ReleaseHandler#makePermanent}</td></tr>
 *   <tr><td>remove</td><td>a version</td><td>{@link ReleaseHandler#remove}</td></tr>
 * </table>
 */
final class ReleaseCommands {
  /**
   * The commands the command line may run itself when no node runs: those that need no running
   * release.
   */
  static final Set<String> OFFLINE = Set.of("releases", "unpack");

  static final Set<String> ALL =
      Set.of("releases", "unpack", "install", "upgrade", "downgrade", "permanent", "remove");

  /**
   * How {@code upgrade} is told what it gets: the command line decides, once, whether its argument
   * is a file.
   */
  static final String TARBALL = "tarball";

  static final String VERSION = "version";

  private final ReleaseHandler releases;

  ReleaseCommands(ReleaseHandler releases) {
    this.releases = releases;
  }

  /** The node's leaks, a library's named as such ({@link ReleaseHandler#leaks}). */
  List<dev.molt.code.Leak> leaks() {
    return releases.leaks();
  }

  /** Runs a command of {@link #ALL}; throws to report a failure in one line. */
  String run(String command, List<String> args) throws IOException {
    return switch (command) {
      case "releases" -> {
        none(command, args);
        yield describe(releases.whichReleases())
            + releases.bootFailure().map(why -> "\nFALLBACK BOOT: " + why).orElse("");
      }
      case "unpack" -> "unpacked " + releases.unpack(absolute(one(command, args)));
      case "install" -> describe("installed", releases.install(one(command, args)));
      case "upgrade" -> {
        if (args.size() != 2 || !Set.of(TARBALL, VERSION).contains(args.get(0))) {
          throw new IllegalArgumentException("upgrade takes 'tarball PATH' or 'version VSN'");
        }
        InstallResult result =
            args.get(0).equals(TARBALL)
                ? releases.upgrade(absolute(args.get(1)))
                : releases.upgrade(args.get(1));
        yield describe("upgraded to", result) + "; " + result.to() + " is permanent";
      }
      case "downgrade" -> {
        InstallResult result = releases.downgrade(one(command, args));
        yield describe("downgraded to", result) + "; " + result.to() + " is permanent";
      }
      case "permanent" -> {
        releases.makePermanent(one(command, args));
        yield args.getFirst() + " is permanent";
      }
      case "remove" -> {
        releases.remove(one(command, args));
        yield "removed " + args.getFirst();
      }
      default -> throw new IllegalArgumentException("unknown command '" + command + "'");
    };
  }

  /**
   * The running release as {@code name version}: the current one, else the permanent one; empty
   * before a boot.
   */
  Optional<String> running() {
    List<ReleaseStatus> all = releases.whichReleases();
    return releases.current().map(version -> all.getFirst().name() + " " + version);
  }

  /** One line per release: {@code name version status}. */
  static String describe(List<ReleaseStatus> releases) {
    return releases.stream()
        .map(r -> r.name() + " " + r.version() + " " + r.status().name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining("\n"));
  }

  static String describe(String what, InstallResult result) {
    return what
        + " "
        + result.to()
        + " from "
        + result.from()
        + ": "
        + result.suspended()
        + (result.suspended() == 1 ? " process" : " processes")
        + " suspended, longest pause "
        + String.format(Locale.ROOT, "%.1f", result.pause().toNanos() / 1e6)
        + " ms, "
        + String.format(Locale.ROOT, "%.1f", result.total().toNanos() / 1e6)
        + " ms in all"
        + (result.warnings().isEmpty() ? "" : "; warnings: " + result.warnings());
  }

  static String one(String command, List<String> args) {
    if (args.size() != 1) {
      throw new IllegalArgumentException(command + " takes one argument, got " + args.size());
    }
    return args.getFirst();
  }

  private static void none(String command, List<String> args) {
    if (!args.isEmpty()) {
      throw new IllegalArgumentException(command + " takes no arguments, got " + args.size());
    }
  }

  /**
   * A tarball path as the command line sent it: absolute, since the node's directory is not the
   * caller's.
   */
  private static Path absolute(String path) {
    Path tarball = Path.of(path);
    if (!tarball.isAbsolute()) {
      throw new IllegalArgumentException(
          "a tarball is given to the node by its absolute path, not " + path);
    }
    return tarball;
  }
}
