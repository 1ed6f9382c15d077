package dev.molt.testkit;

import dev.molt.release.ReleaseDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.opentest4j.TestAbortedException;

/**
 * The release and versions an {@link UpgradeTest} runs: as given, or, when left empty, the newest
 * release tarball in the directory and the release it declares it upgrades from.
 */
record Versions(String release, String from, String to) {
  private static final Pattern TARBALL = Pattern.compile("(.+)-([0-9][^-]*)\\.tar\\.gz");

  static Versions of(Path dir, String release, String from, String to) {
    if (!from.isEmpty() && !to.isEmpty()) {
      return new Versions(release, from, to);
    }
    List<String[]> tarballs = tarballs(dir, release);
    if (tarballs.isEmpty()) {
      throw new ParameterResolutionException(
          "no release tarball in "
              + dir
              + "; build them first (mvn package), and run this test after package (Failsafe)");
    }
    String name = release;
    String target = to;
    if (target.isEmpty()) {
      String[] newest =
          tarballs.stream().max(Comparator.comparing(t -> t[1], Versions::compare)).orElseThrow();
      name = newest[0];
      target = newest[1];
    } else if (name.isEmpty()) {
      String wanted = target;
      name =
          tarballs.stream()
              .filter(t -> t[1].equals(wanted))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ParameterResolutionException(
                          "no release tarball of version " + wanted + " in " + dir))[0];
    }
    if (!from.isEmpty()) {
      return new Versions(name, from, target);
    }
    List<String> declared =
        descriptor(dir.resolve(name + "-" + target + ".tar.gz"), name, target).upgradeFrom();
    if (declared.isEmpty()) {
      throw new TestAbortedException(
          "release " + name + " " + target + " upgrades from no release: nothing to test yet");
    }
    return new Versions(name, declared.getFirst(), target);
  }

  /** The release tarballs in {@code dir}, each {name, version}, of {@code release} if given. */
  private static List<String[]> tarballs(Path dir, String release) {
    List<String[]> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Matcher m = TARBALL.matcher(file.getFileName().toString());
        if (m.matches() && (release.isEmpty() || m.group(1).equals(release))) {
          found.add(new String[] {m.group(1), m.group(2)});
        }
      }
    } catch (IOException e) {
      throw new ParameterResolutionException("cannot list " + dir + ": " + e);
    }
    List<String> names = found.stream().map(t -> t[0]).distinct().toList();
    if (names.size() > 1) {
      throw new ParameterResolutionException(
          "releases " + names + " in " + dir + "; name one with release = \"...\"");
    }
    return found;
  }

  /** The descriptor {@code releases/<version>/<name>.release} in {@code tarball}. */
  static ReleaseDescriptor descriptor(Path tarball, String name, String version) {
    String wanted = "releases/" + version + "/" + name + ".release";
    try (InputStream file = Files.newInputStream(tarball);
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        String entry = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
        if (entry.equals(wanted)) {
          return ReleaseDescriptor.parse(
              tarball + "!/" + wanted, new String(tar.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new ParameterResolutionException(tarball + " cannot be read: " + e);
    }
    throw new ParameterResolutionException(tarball + " holds no " + wanted);
  }

  /** Compares dotted versions number by number (1.10.0 after 1.9.0); other parts as text. */
  static int compare(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c =
          x[i].matches("\\d+") && y[i].matches("\\d+")
              ? Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]))
              : x[i].compareTo(y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }
}
