package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apiguardian.api.API;

/**
 * Writes what {@link ReleaseHandler#unpack} reads: a release tarball whose {@code
 * releases/<vsn>/manifest.sha256} lists the sha256 of every other file, and jars of class
 * directories.
 *
 * <p><b>Reproducible.</b> The same files give the same bytes: entries in name order, each with one
 * fixed time ({@link #ENTRY_TIME}, as a local date-time so the time zone does not matter), fixed
 * modes, and no owner; the gzip header has no time either. A rebuilt release can then be unpacked
 * over the one already there, and compared by its checksum.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ReleasePackager {
  private ReleasePackager() {}

  /** The time every entry of a jar or tarball carries: 2000-01-01T00:00:00 (no zone). */
  public static final java.time.LocalDateTime ENTRY_TIME =
      java.time.LocalDateTime.of(2000, 1, 1, 0, 0);

  /**
   * Writes {@code target} (a .tar.gz) holding {@code files} (path under the root to content) and
   * the manifest of release {@code version}. Files under {@code bin/} are executable.
   */
  public static Path tarball(Path target, String version, Map<String, byte[]> files)
      throws IOException {
    Map<String, byte[]> all = new java.util.TreeMap<>(files); // name order, whatever the caller's
    all.put(
        "releases/" + version + "/" + Unpacker.MANIFEST,
        manifest(files).getBytes(StandardCharsets.UTF_8));
    return writeTar(target, all, java.util.List.of());
  }

  /**
   * A .tar.gz of {@code files} as they are, then {@code extra} entries without content (links,
   * devices).
   */
  static Path writeTar(
      Path target, Map<String, byte[]> files, java.util.List<TarArchiveEntry> extra)
      throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(target);
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        entry.setSize(file.getValue().length);
        entry.setMode(file.getKey().startsWith("bin/") ? 0755 : 0644);
        entry.setModTime(
            java.nio.file.attribute.FileTime.from(ENTRY_TIME.toInstant(java.time.ZoneOffset.UTC)));
        entry.setIds(0, 0);
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
        tar.write(file.getValue());
        tar.closeArchiveEntry();
      }
      for (TarArchiveEntry entry : extra) {
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
      }
    }
    return target;
  }

  /**
   * The manifest of {@code files}: a line {@code <sha256> <path>} for each, as sha256sum writes
   * them.
   */
  public static String manifest(Map<String, byte[]> files) {
    StringBuilder manifest = new StringBuilder();
    new java.util.TreeMap<>(files)
        .forEach( // name order: the same files, the same manifest
            (path, bytes) -> manifest.append(sha256(bytes)).append("  ").append(path).append('\n'));
    return manifest.toString();
  }

  /**
   * The jar manifest attribute that records where a module's sources were when it was built: what a
   * console's {@code r} compiles.
   */
  public static final String SOURCES_ATTRIBUTE = "Molt-Sources";

  /** Jars the class directory {@code classes} into {@code jar}. */
  public static Path jar(Path classes, Path jar) throws IOException {
    return jar(classes, jar, List.of());
  }

  /**
   * Jars the class directory {@code classes} into {@code jar}, recording in its manifest ({@value
   * #SOURCES_ATTRIBUTE}) the absolute paths of the sources it was built from, if any.
   */
  public static Path jar(Path classes, Path jar, List<Path> sources) throws IOException {
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    if (!sources.isEmpty()) {
      manifest
          .getMainAttributes()
          .putValue(
              SOURCES_ATTRIBUTE,
              sources.stream()
                  .map(p -> p.toAbsolutePath().normalize().toString())
                  .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
    }
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> paths = Files.walk(classes)) {
      // the manifest as JarOutputStream(out, manifest) writes it, but with the fixed time
      out.putNextEntry(entry(java.util.jar.JarFile.MANIFEST_NAME));
      manifest.write(out);
      out.closeEntry();
      List<String> names =
          paths
              .filter(Files::isRegularFile)
              .map(path -> classes.relativize(path).toString().replace('\\', '/'))
              .sorted()
              .toList();
      for (String name : names) {
        if (name.equals(java.util.jar.JarFile.MANIFEST_NAME)) {
          continue; // the one above is the module's
        }
        out.putNextEntry(entry(name));
        out.write(Files.readAllBytes(classes.resolve(name)));
        out.closeEntry();
      }
    }
    return jar;
  }

  private static JarEntry entry(String name) {
    JarEntry entry = new JarEntry(name);
    entry.setTimeLocal(ENTRY_TIME);
    return entry;
  }

  static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
