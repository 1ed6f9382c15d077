package dev.molt.maven;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/**
 * An earlier release named in {@code upgradeFrom}, made present in the output directory as {@code
 * <name>-<version>/} (what the relup and the generated appups read): built there by an earlier
 * execution, or read from a tarball, or from the tarball an earlier build attached to its artifact.
 */
final class PreviousReleases {
  private PreviousReleases() {}

  private static final Pattern COORDINATES =
      Pattern.compile("([^:/\\s]+):([^:/\\s]+):([^:/\\s]+)(?::([^:/\\s]+))?");

  /** The version of release {@code from}, whose files are then under {@code out}. */
  static String of(ReleaseMojo mojo, Path out, String from) throws IOException {
    if (from.endsWith(".tar.gz") || from.endsWith(".tgz")) {
      Path tarball =
          mojo.project.getBasedir() == null
              ? Path.of(from)
              : mojo.project.getBasedir().toPath().resolve(from);
      if (!Files.isRegularFile(tarball)) {
        throw new IllegalStateException("upgradeFrom " + from + ": no such tarball " + tarball);
      }
      return extract(mojo.name, tarball, out);
    }
    Matcher coordinates = COORDINATES.matcher(from);
    if (coordinates.matches()) {
      String release = coordinates.group(4) != null ? coordinates.group(4) : coordinates.group(3);
      if (mojo.repositorySystem == null || mojo.repositorySession == null) {
        throw new IllegalStateException(
            "upgradeFrom " + from + ": no repository to resolve it from");
      }
      DefaultArtifact artifact =
          new DefaultArtifact(
              coordinates.group(1),
              coordinates.group(2),
              "release-" + release,
              "tar.gz",
              coordinates.group(3));
      Path tarball;
      try {
        tarball =
            mojo.repositorySystem
                .resolveArtifact(
                    mojo.repositorySession,
                    new ArtifactRequest(
                        artifact, mojo.project.getRemoteProjectRepositories(), null))
                .getArtifact()
                .getFile()
                .toPath();
      } catch (ArtifactResolutionException e) {
        throw new IllegalStateException(
            "upgradeFrom " + from + ": " + artifact + " cannot be resolved: " + e.getMessage(), e);
      }
      return extract(mojo.name, tarball, out);
    }
    return from; // a version built earlier into the output directory
  }

  /**
   * Reads release tarball {@code tarball} of release {@code name} into {@code out/<name>-<vsn>/}
   * (unless a build already put it there), copies it to {@code out/<name>-<vsn>.tar.gz} if none is
   * there, and returns its version. Only regular files under {@code bin/}, {@code lib/} and {@code
   * releases/} are read, and no name may leave the directory.
   */
  static String extract(String name, Path tarball, Path out) throws IOException {
    String version = versionOf(name, tarball);
    Path target = out.resolve(name + "-" + version);
    // next to the releases this build makes, for the upgrade check and the testkit to find
    Path copy = out.resolve(name + "-" + version + ".tar.gz");
    if (!Files.exists(copy)) {
      Files.createDirectories(out);
      Files.copy(tarball, copy);
    }
    if (Files.exists(target.resolve("releases").resolve(version).resolve(name + ".release"))) {
      return version;
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(tarball));
        GzipCompressorInputStream gzip = new GzipCompressorInputStream(in);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String entryName =
            entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
        if (!entry.isFile()
            || !(entryName.startsWith("bin/")
                || entryName.startsWith("lib/")
                || entryName.startsWith("releases/"))) {
          continue;
        }
        Path file = target.resolve(entryName).normalize();
        if (!file.startsWith(target) || entryName.contains("..")) {
          throw new IOException(tarball + ": entry " + entryName + " leaves the release");
        }
        Files.createDirectories(file.getParent());
        Files.copy(tar, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return version;
  }

  /** The version of the release in {@code tarball}: the one of its {@code <name>.release}. */
  private static String versionOf(String name, Path tarball) throws IOException {
    Pattern descriptor =
        Pattern.compile("(?:\\./)?releases/([^/]+)/" + Pattern.quote(name) + "\\.release");
    try (InputStream in = new BufferedInputStream(Files.newInputStream(tarball));
        GzipCompressorInputStream gzip = new GzipCompressorInputStream(in);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Matcher matcher = descriptor.matcher(entry.getName());
        if (entry.isFile() && matcher.matches()) {
          return matcher.group(1);
        }
      }
    } catch (IOException e) {
      throw new IOException(tarball + " is not a readable release tarball: " + e.getMessage(), e);
    }
    throw new IllegalStateException(
        tarball + " holds no release " + name + " (no releases/<version>/" + name + ".release)");
  }
}
