package dev.molt.release;

import dev.molt.release.Syntax.Atom;
import dev.molt.release.Syntax.Statement;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code releases/RELEASES}: every release on the node and its status, in the release syntax.
 * Written atomically: a temporary file in the same directory, forced to disk, renamed over the old
 * one, and the directory forced, so that a node killed at any moment finds either the old file or
 * the new one.
 *
 * <pre>
 * releases kv {
 *   release 1.0.0 old
 *   release 1.1.0 permanent
 * }
 * </pre>
 */
final class ReleasesFile {
  private ReleasesFile() {}

  static List<ReleaseStatus> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Reader reader = new Reader(file.toString(), text);
    Statement root =
        reader.root(
            reader.parse(), "releases", "releases <name> { release <version> <status> ... }");
    String name =
        reader.name(reader.args(root, 1, "releases <name> { ... }").getFirst(), "release");
    List<ReleaseStatus> releases = new ArrayList<>();
    for (Statement statement : root.block()) {
      reader.noBlock(statement);
      reader.options(statement, Set.of());
      if (!statement.name().equals("release")) {
        throw reader.error(
            statement,
            "unknown statement '" + Reader.printable(statement.name()) + "' in RELEASES");
      }
      List<Atom> args =
          reader.args(statement, 2, "release <version> permanent|current|old|unpacked");
      String version = reader.version(args.get(0));
      ReleaseStatus.Status status;
      try {
        status =
            ReleaseStatus.Status.valueOf(args.get(1).text().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw reader.error(
            args.get(1),
            "'"
                + Reader.printable(args.get(1).text())
                + "' is not a status (permanent, current, old or unpacked)");
      }
      if (releases.stream().anyMatch(r -> r.version().equals(version))) {
        throw reader.error(args.get(0), "release " + version + " is listed twice");
      }
      releases.add(new ReleaseStatus(name, version, status));
    }
    long permanent =
        releases.stream().filter(r -> r.status() == ReleaseStatus.Status.PERMANENT).count();
    if (permanent > 1
        || releases.stream().filter(r -> r.status() == ReleaseStatus.Status.CURRENT).count() > 1) {
      throw reader.error(root, "RELEASES names more than one permanent or current release");
    }
    return releases;
  }

  static void write(Path file, String name, List<ReleaseStatus> releases) throws IOException {
    Writer out = new Writer();
    out.comment(
        "The releases of this node. Written by the release handler: edit only while the node is down.");
    out.open("releases", name);
    for (ReleaseStatus release : releases) {
      out.line(
          "release", release.version(), release.status().name().toLowerCase(java.util.Locale.ROOT));
    }
    out.close();
    writeAtomically(file, out.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Temp file in the same directory, fsync, rename over {@code file}, fsync the directory. */
  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + file + " atomically on this file system", e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the rename itself is still atomic
    }
  }
}
