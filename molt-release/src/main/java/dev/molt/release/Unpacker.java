package dev.molt.release;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.FileUtils;

/**
 * Unpacks a release tarball into a root, or refuses it and changes nothing.
 *
 * <p>The tarball holds {@code bin/}, {@code lib/} and one {@code releases/<vsn>/} with the release
 * descriptor and {@code manifest.sha256} (lines {@code <sha256> <path>}, as sha256sum writes them)
 * listing every other file. It is read into a staging directory under {@code tmp/}, where each
 * entry is checked — no absolute path, no {@code ..}, no link leading out of the root, no device, a
 * size within bounds — and each file's sha256 compared with the manifest; only then are the files
 * moved into the root. A file already in the root must be identical, so unpacking the same tarball
 * twice is harmless, and one release cannot overwrite another's files.
 */
final class Unpacker {
  static final String MANIFEST = "manifest.sha256";
  static final long MAX_BYTES = 2L << 30;
  static final int MAX_ENTRIES = 100_000;

  private final Path root;

  Unpacker(Path root) {
    this.root = root;
  }

  /** What a verified tarball holds. */
  record Unpacked(String version, ReleaseDescriptor descriptor, boolean alreadyThere) {}

  /** Unpacks {@code tarball}, which must hold release {@code expectedName} (null: any). */
  Unpacked unpack(Path tarball, String expectedName) throws IOException {
    if (!Files.isRegularFile(tarball)) {
      throw new UnpackException("no release tarball at " + tarball);
    }
    Path tmp = root.resolve("tmp");
    Files.createDirectories(tmp);
    Path staging = Files.createTempDirectory(tmp, "unpack-");
    try {
      Map<String, String> files = new LinkedHashMap<>();
      Map<String, String> links = new LinkedHashMap<>();
      read(tarball, staging, files, links);
      String version = releaseDir(files, tarball);
      Path manifestFile = staging.resolve("releases").resolve(version).resolve(MANIFEST);
      verify(
          tarball,
          files,
          links,
          manifest(tarball, manifestFile, "releases/" + version + "/" + MANIFEST));
      checkTexts(tarball, staging, files);
      ReleaseDescriptor descriptor = descriptor(staging, version, files, tarball);
      if (expectedName != null && !expectedName.equals(descriptor.name())) {
        throw new UnpackException(
            tarball
                + " holds release "
                + descriptor.name()
                + ", but this node runs release "
                + expectedName);
      }
      refuseStableClasses(staging, descriptor, tarball);
      boolean alreadyThere = install(staging, files, links);
      return new Unpacked(version, descriptor, alreadyThere);
    } finally {
      deleteTree(staging);
    }
  }

  private void read(
      Path tarball, Path staging, Map<String, String> files, Map<String, String> links)
      throws IOException {
    long total = 0;
    int count = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(tarball));
        GzipCompressorInputStream gzip = new GzipCompressorInputStream(in);
        TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (++count > MAX_ENTRIES) {
          throw new UnpackException(tarball + ": more than " + MAX_ENTRIES + " entries");
        }
        if (entry.isDirectory() && (entry.getName().equals("./") || entry.getName().equals("."))) {
          continue; // the root itself, as `tar czf x.tar.gz -C dir .` writes it
        }
        String name = checkedName(tarball, entry.getName());
        if (files.containsKey(name) || links.containsKey(name)) {
          throw new UnpackException(tarball + ": entry " + name + " appears twice");
        }
        Path target = staging.resolve(name);
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        if (entry.isSymbolicLink() || entry.isLink()) {
          String link = entry.getLinkName();
          String resolved = entry.isSymbolicLink() ? resolveLink(name, link) : normalize(link);
          String outside =
              resolved == null
                  ? "the release root"
                  : resolved.startsWith("bin/")
                          || resolved.startsWith("lib/")
                          || resolved.startsWith("releases/")
                      ? null
                      : "bin/, lib/ and releases/";
          if (outside != null) {
            throw new UnpackException(
                tarball
                    + ": link "
                    + name
                    + " -> "
                    + printable(link)
                    + " points outside "
                    + outside);
          }
          links.put(name, resolved);
          continue;
        }
        if (!entry.isFile()
            || entry.isCharacterDevice()
            || entry.isBlockDevice()
            || entry.isFIFO()) {
          throw new UnpackException(
              tarball
                  + ": entry "
                  + name
                  + " is not a file, directory or link (a device or a pipe?)");
        }
        if (entry.getSize() < 0 || total + entry.getSize() > MAX_BYTES) {
          throw new UnpackException(tarball + ": more than " + (MAX_BYTES >> 20) + " MiB of files");
        }
        Files.createDirectories(target.getParent());
        MessageDigest sha = sha256();
        long copied = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
          byte[] buffer = new byte[64 * 1024];
          int n;
          while ((n = tar.read(buffer)) > 0) {
            copied += n;
            if (total + copied > MAX_BYTES) {
              throw new UnpackException(
                  tarball + ": more than " + (MAX_BYTES >> 20) + " MiB of files");
            }
            sha.update(buffer, 0, n);
            out.write(buffer, 0, n);
          }
        }
        if (copied != entry.getSize()) {
          throw new UnpackException(
              tarball
                  + ": entry "
                  + name
                  + " is truncated ("
                  + copied
                  + " of "
                  + entry.getSize()
                  + " bytes)");
        }
        total += copied;
        files.put(name, HexFormat.of().formatHex(sha.digest()));
        if (name.startsWith("bin/") && (entry.getMode() & 0100) != 0) {
          target.toFile().setExecutable(true, false);
        }
      }
    } catch (UnpackException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new UnpackException(
          tarball
              + " is not a readable .tar.gz ("
              + (e instanceof java.io.EOFException || e.getMessage() == null
                  ? "it ends too early: truncated?"
                  : e.getMessage())
              + ")",
          e);
    }
  }

  /** The entry's name, normalized, if it stays inside the root under bin/, lib/ or releases/. */
  private static String checkedName(Path tarball, String raw) {
    String name = raw.startsWith("./") ? raw.substring(2) : raw;
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.isEmpty()
        || name.length() > 1024
        || name.startsWith("/")
        || name.contains("\\")
        || name.indexOf('\0') >= 0
        || name.matches("^[A-Za-z]:.*")) {
      throw new UnpackException(
          tarball
              + ": entry '"
              + printable(raw)
              + "' is not a relative path inside the release root");
    }
    if (name.codePoints().anyMatch(TextCheck::isBidiControl)) {
      throw new UnpackException(
          tarball
              + ": entry '"
              + printable(raw)
              + "' has a bidirectional control character in its name, which would show it as"
              + " another name");
    }
    for (String part : name.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new UnpackException(
            tarball
                + ": entry '"
                + printable(raw)
                + "' escapes the release root (it has '"
                + (part.isEmpty() ? "//" : part)
                + "' in its path)");
      }
    }
    if (!(name.equals("bin")
        || name.equals("lib")
        || name.equals("releases")
        || name.startsWith("bin/")
        || name.startsWith("lib/")
        || name.startsWith("releases/"))) {
      throw new UnpackException(
          tarball + ": entry '" + printable(raw) + "' is outside bin/, lib/ and releases/");
    }
    return name;
  }

  /** A symbolic link's target as a path from the root, or null if it leaves the root. */
  private static String resolveLink(String name, String link) {
    if (link.isEmpty() || link.startsWith("/") || link.contains("\\") || link.indexOf('\0') >= 0) {
      return null;
    }
    int slash = name.lastIndexOf('/');
    return normalize((slash < 0 ? "" : name.substring(0, slash + 1)) + link);
  }

  /** {@code a/b/../c} as {@code a/c}; null if it climbs above the root. */
  private static String normalize(String path) {
    if (path.startsWith("/") || path.contains("\\")) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.add(part);
      }
    }
    return parts.isEmpty() ? null : String.join("/", parts);
  }

  private static String releaseDir(Map<String, String> files, Path tarball) {
    List<String> versions =
        files.keySet().stream()
            .filter(f -> f.startsWith("releases/") && f.endsWith("/" + MANIFEST))
            .map(f -> f.substring("releases/".length(), f.length() - MANIFEST.length() - 1))
            .toList();
    if (versions.size() != 1 || versions.getFirst().contains("/")) {
      throw new UnpackException(
          tarball
              + ": expected exactly one releases/<version>/"
              + MANIFEST
              + ", found "
              + (versions.isEmpty() ? "none" : versions));
    }
    return versions.getFirst();
  }

  static Map<String, String> manifest(Path tarball, Path file, String name) throws IOException {
    Map<String, String> expected = new LinkedHashMap<>();
    int lineNumber = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNumber++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      var matcher =
          java.util.regex.Pattern.compile("([0-9a-f]{64}|symlink:\\S+) [ *](.+)").matcher(line);
      if (!matcher.matches()) {
        throw new UnpackException(
            tarball
                + ": "
                + name
                + ":"
                + lineNumber
                + ": expected '<sha256>  <path>' or 'symlink:<target>  <path>'");
      }
      if (expected.put(matcher.group(2), matcher.group(1)) != null) {
        throw new UnpackException(
            tarball
                + ": "
                + name
                + ":"
                + lineNumber
                + ": "
                + matcher.group(2)
                + " is listed twice");
      }
    }
    return expected;
  }

  private static void verify(
      Path tarball,
      Map<String, String> files,
      Map<String, String> links,
      Map<String, String> expected) {
    for (Map.Entry<String, String> link : links.entrySet()) {
      String listed = expected.get(link.getKey());
      String resolved =
          listed == null || !listed.startsWith("symlink:")
              ? null
              : resolveLink(link.getKey(), listed.substring("symlink:".length()));
      if (!link.getValue().equals(resolved)) {
        throw new UnpackException(
            tarball
                + ": link "
                + link.getKey()
                + (listed == null
                    ? " is not in the manifest"
                    : " does not point where the manifest says (" + printable(listed) + ")"));
      }
    }
    for (Map.Entry<String, String> file : files.entrySet()) {
      if (file.getKey().endsWith("/" + MANIFEST) && file.getKey().startsWith("releases/")) {
        continue;
      }
      String sha = expected.get(file.getKey());
      if (sha == null) {
        throw new UnpackException(tarball + ": " + file.getKey() + " is not in the manifest");
      }
      if (!sha.equals(file.getValue())) {
        throw new UnpackException(
            tarball
                + ": checksum mismatch for "
                + file.getKey()
                + " (manifest "
                + sha
                + ", file "
                + file.getValue()
                + ")");
      }
    }
    for (String listed : expected.keySet()) {
      if (!files.containsKey(listed) && !links.containsKey(listed)) {
        throw new UnpackException(
            tarball + ": " + listed + " is in the manifest but not in the tarball");
      }
    }
  }

  private static ReleaseDescriptor descriptor(
      Path staging, String version, Map<String, String> files, Path tarball) throws IOException {
    List<String> descriptors =
        files.keySet().stream()
            .filter(f -> f.startsWith("releases/" + version + "/") && f.endsWith(".release"))
            .toList();
    if (descriptors.size() != 1) {
      throw new UnpackException(
          tarball
              + ": expected one release descriptor in releases/"
              + version
              + "/, found "
              + (descriptors.isEmpty() ? "none" : descriptors));
    }
    ReleaseDescriptor descriptor;
    try {
      descriptor = ReleaseDescriptor.read(staging.resolve(descriptors.getFirst()));
    } catch (FormatException e) {
      throw new UnpackException(
          tarball + ": " + e.getMessage().replace(staging.toString() + "/", ""), e);
    }
    if (!descriptor.version().equals(version)) {
      throw new UnpackException(
          tarball
              + ": releases/"
              + version
              + "/ holds the descriptor of version "
              + descriptor.version());
    }
    for (ReleaseDescriptor.Application application : descriptor.applications()) {
      for (ReleaseDescriptor.Module module : application.modules()) {
        String path = application.dir() + "/" + module.path();
        if (!files.containsKey(path)
            && files.keySet().stream().noneMatch(f -> f.startsWith(path + "/"))) {
          throw new UnpackException(
              tarball
                  + ": module "
                  + module.name()
                  + " of "
                  + application.name()
                  + " should be at "
                  + path
                  + ", which the tarball does not have");
        }
      }
    }
    return descriptor;
  }

  /**
   * Refuses a release whose modules define classes the stable layer owns (the JDK, Molt, the node's
   * libraries): loaded, they would shadow the library or split its package. The load refuses them
   * too; this says so before anything reaches the root.
   */
  private static void refuseStableClasses(Path staging, ReleaseDescriptor descriptor, Path tarball)
      throws IOException {
    for (ReleaseDescriptor.Application application : descriptor.applications()) {
      for (ReleaseDescriptor.Module module : application.modules()) {
        Path path = staging.resolve(application.dir()).resolve(module.path());
        List<String> classes = new java.util.ArrayList<>();
        if (Files.isDirectory(path)) {
          try (var walk = Files.walk(path)) {
            walk.filter(f -> f.toString().endsWith(".class"))
                .forEach(f -> classes.add(className(path.relativize(f).toString())));
          }
        } else {
          try (java.util.jar.JarFile jar = new java.util.jar.JarFile(path.toFile())) {
            jar.stream()
                .map(java.util.zip.ZipEntry::getName)
                .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
                .forEach(n -> classes.add(className(n)));
          } catch (IOException e) {
            throw new UnpackException(
                tarball + ": module " + module.name() + " is not a readable jar: " + e.getMessage(),
                e);
          }
        }
        classes.remove("module-info");
        Map<String, String> refused =
            dev.molt.internal.upgrade.Upgrade.refusedModuleClasses(classes);
        if (!refused.isEmpty()) {
          var first = refused.entrySet().iterator().next();
          throw new UnpackException(
              tarball
                  + ": module "
                  + module.name()
                  + " of "
                  + application.name()
                  + " defines "
                  + refused.size()
                  + " class(es) it may not, first "
                  + first.getKey()
                  + ": "
                  + first.getValue());
        }
      }
    }
  }

  private static String className(String entry) {
    return entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
  }

  /** The text formats of a release: checked as text before anything parses them. */
  private static boolean isText(String name) {
    return name.startsWith("releases/")
        ? !name.endsWith(".jar") && !name.endsWith(".gz")
        : name.endsWith(".appup");
  }

  /**
   * Every text file is valid UTF-8 without bidirectional controls, and the relup and the config
   * parse: a release whose install would fail on its own files fails here instead, with the file,
   * line and column.
   */
  private static void checkTexts(Path tarball, Path staging, Map<String, String> files)
      throws IOException {
    for (String name : files.keySet()) {
      if (isText(name)) {
        String problem = TextCheck.problem(staging.resolve(name), name);
        if (problem != null) {
          throw new UnpackException(tarball + ": " + problem);
        }
      }
    }
    for (String name : files.keySet()) {
      try {
        if (name.startsWith("releases/") && name.endsWith("/relup")) {
          Relup.read(staging.resolve(name));
        } else if (name.startsWith("releases/") && name.endsWith(".config")) {
          ReleaseConfig.read(staging.resolve(name));
        }
      } catch (FormatException e) {
        throw new UnpackException(
            tarball + ": " + e.getMessage().replace(staging.toString() + "/", ""), e);
      }
    }
  }

  /**
   * The release a tarball extracted in place left under {@code root} ({@code tar xzf} in the root),
   * checked as an unpack would check it: its manifest lists every file, each with its sha256, and
   * every link; its descriptor parses and names its version. Returns its descriptor; throws naming
   * the first file that does not match.
   */
  static ReleaseDescriptor extractedInPlace(Path root, String version) throws IOException {
    Path releaseDir = root.resolve("releases").resolve(version);
    Path manifestFile = releaseDir.resolve(MANIFEST);
    String where = root + " (extracted in place)";
    Map<String, String> expected =
        manifest(Path.of(where), manifestFile, "releases/" + version + "/" + MANIFEST);
    for (Map.Entry<String, String> entry : expected.entrySet()) {
      Path file = root.resolve(entry.getKey()).normalize();
      if (!file.startsWith(root)) {
        throw new UnpackException(where + ": " + entry.getKey() + " leaves the root");
      }
      if (entry.getValue().startsWith("symlink:")) {
        if (!Files.isSymbolicLink(file)) {
          throw new UnpackException(where + ": " + entry.getKey() + " should be a link");
        }
        continue;
      }
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnpackException(where + ": " + entry.getKey() + " is missing");
      }
      if (!entry.getValue().equals(sha256(file))) {
        throw new UnpackException(where + ": checksum mismatch for " + entry.getKey());
      }
    }
    Map<String, String> files = new LinkedHashMap<>();
    expected.forEach(
        (path, sha) -> {
          if (!sha.startsWith("symlink:")) {
            files.put(path, sha);
          }
        });
    checkTexts(Path.of(where), root, files);
    return descriptor(root, version, files, Path.of(where));
  }

  /**
   * Deletes staging directories ({@code tmp/unpack-*}) that an unpack killed or failed in its
   * cleanup left behind: run when a handler opens its root, which then has one writer.
   */
  static void cleanStaging(Path root) {
    Path tmp = root.resolve("tmp");
    if (!Files.isDirectory(tmp)) {
      return;
    }
    try (var stale = Files.newDirectoryStream(tmp, "unpack-*")) {
      for (Path dir : stale) {
        deleteTree(dir);
      }
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(Unpacker.class)
          .warn("cannot delete staging left in {}: {}", tmp, e.toString());
    }
  }

  /**
   * Refuses to write through a symbolic link already in the root (one an earlier release made):
   * each existing part of {@code path}'s parents must be a real directory.
   */
  private void refuseWritingThroughLinks(String path) {
    String[] parts = path.split("/");
    Path at = root;
    for (int i = 0; i < parts.length - 1; i++) {
      at = at.resolve(parts[i]);
      if (Files.isSymbolicLink(at)) {
        throw new UnpackException(
            "unpacking would write "
                + path
                + " through the link "
                + root.relativize(at)
                + "; refused");
      }
      if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
    }
  }

  /**
   * Moves a staged file into place: a rename, or, when the root spans file systems (releases/
   * mounted elsewhere, say), a copy to a temporary file beside the target and a rename of that.
   */
  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.AtomicMoveNotSupportedException crossDevice) {
      Path temp = Files.createTempFile(to.getParent(), "." + to.getFileName(), ".unpack");
      try {
        Files.copy(from, temp, StandardCopyOption.REPLACE_EXISTING);
        try (var channel =
            java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
      Files.delete(from);
    }
  }

  /** Moves verified files into the root; true if every one was already there. */
  private boolean install(Path staging, Map<String, String> files, Map<String, String> links)
      throws IOException {
    for (String path : files.keySet()) {
      refuseWritingThroughLinks(path);
      for (String link : links.keySet()) {
        if (path.startsWith(link + "/")) {
          throw new UnpackException(
              "the release puts " + path + " under its own link " + link + "; refused");
        }
      }
    }
    for (Map.Entry<String, String> link : links.entrySet()) {
      refuseWritingThroughLinks(link.getKey());
      refuseWritingThroughLinks(link.getValue() + "/x");
    }
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = root.resolve(file.getKey());
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
          && !file.getKey().startsWith("bin/")
          && !file.getValue().equals(sha256(target))) {
        throw new UnpackException(
            "unpacking would overwrite "
                + file.getKey()
                + " with different content; refused: this is another build of a release the node"
                + " already has (if that release is neither running nor permanent, remove it"
                + " first)");
      }
    }
    boolean alreadyThere = true;
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = root.resolve(file.getKey());
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      alreadyThere = false;
      Files.createDirectories(target.getParent());
      move(staging.resolve(file.getKey()), target);
    }
    for (Map.Entry<String, String> link : links.entrySet()) {
      Path target = root.resolve(link.getKey());
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      alreadyThere = false;
      Files.createDirectories(target.getParent());
      Files.createSymbolicLink(
          target, target.getParent().relativize(root.resolve(link.getValue())));
    }
    return alreadyThere;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Deletes {@code dir} and everything under it, without following links; nothing there is fine.
   */
  static void deleteTree(Path dir) throws IOException {
    FileUtils.deleteDirectory(dir.toFile());
  }

  private static String printable(String text) {
    return Reader.printable(text);
  }
}
