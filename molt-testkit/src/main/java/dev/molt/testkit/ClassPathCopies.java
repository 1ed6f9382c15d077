package dev.molt.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A test's class path holds copies of a release's modules: the project's own jar (Failsafe tests
 * the packaged jar) and the libraries the release carries. On a node those jars are modules, not
 * the stable layer; this tells the runtime so, through the system property {@code
 * molt.classPathCopies}, before the release's modules load.
 */
final class ClassPathCopies {
  static final String PROPERTY = "molt.classPathCopies";

  private ClassPathCopies() {}

  /**
   * Marks the class path jars that hold a class of a module of the release in {@code tarball}:
   * before it is unpacked, since unpacking checks what its modules define.
   */
  static synchronized void mark(Path tarball) throws IOException {
    Set<String> classes = new HashSet<>();
    try (InputStream file = Files.newInputStream(tarball);
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        String name =
            entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
        // lib/<app>-<vsn>/<module>.jar: a module; lib/<jar> is the node's own
        if (entry.isFile()
            && name.startsWith("lib/")
            && name.endsWith(".jar")
            && name.chars().filter(c -> c == '/').count() == 2) {
          ZipInputStream jar = new ZipInputStream(tar);
          for (ZipEntry e = jar.getNextEntry(); e != null; e = jar.getNextEntry()) {
            if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
              classes.add(e.getName());
            }
          }
        }
      }
    }
    Set<String> copies = new LinkedHashSet<>();
    String known = System.getProperty(PROPERTY, "");
    if (!known.isEmpty()) {
      copies.addAll(List.of(known.split(File.pathSeparator)));
    }
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (entry.endsWith(".jar") && !copies.contains(entry) && holdsAny(Path.of(entry), classes)) {
        copies.add(entry);
      }
    }
    System.setProperty(PROPERTY, String.join(File.pathSeparator, copies));
  }

  private static boolean holdsAny(Path jar, Set<String> classes) {
    if (!Files.isRegularFile(jar)) {
      return false;
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream()
          .map(ZipEntry::getName)
          .anyMatch(
              n -> n.endsWith(".class") && !n.endsWith("module-info.class") && classes.contains(n));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar + " on the class path: " + e, e);
    }
  }
}
