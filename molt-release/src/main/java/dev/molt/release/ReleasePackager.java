package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ReleasePackager {
  private ReleasePackager() {}

  /**
   * Writes {@code target} (a .tar.gz) holding {@code files} (path under the root to content) and
   * the manifest of release {@code version}. Files under {@code bin/} are executable.
   */
  public static Path tarball(Path target, String version, Map<String, byte[]> files)
      throws IOException {
    Map<String, byte[]> all = new LinkedHashMap<>(files);
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
    files.forEach(
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
        JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> paths = Files.walk(classes)) {
      for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile).sorted()::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(path));
        out.closeEntry();
      }
    }
    return jar;
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
