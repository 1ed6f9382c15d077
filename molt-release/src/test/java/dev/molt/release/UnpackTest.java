package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken tarballs: each refused with a clear error, and the root left exactly as it
 * was.
 */
class UnpackTest {
  private static final AtomicInteger TAGS = new AtomicInteger();

  @TempDir Path work;

  private TestReleases r;
  private ReleaseHandler handler;
  private Map<String, byte[]> files;
  private List<String> treeBefore;
  private String releasesBefore;

  @BeforeEach
  void unpackOneReleaseFirst() throws IOException {
    r = new TestReleases(work, "u" + TAGS.incrementAndGet());
    handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(r.release("1.0.0", null, r.v1()));
    Path jar = r.jar("1.1.0", r.v1());
    files = r.files("1.1.0", jar, r.descriptor("1.1.0"), null, null);
    treeBefore = TestReleases.tree(work.resolve("root"));
    releasesBefore = Files.readString(work.resolve("root/releases/RELEASES"));
  }

  private void assertRefused(Path tarball, String message) throws IOException {
    assertThatThrownBy(() -> handler.unpack(tarball))
        .isInstanceOf(UnpackException.class)
        .hasMessageContaining(message);
    assertThat(TestReleases.tree(work.resolve("root"))).as("nothing written").isEqualTo(treeBefore);
    assertThat(Files.readString(work.resolve("root/releases/RELEASES"))).isEqualTo(releasesBefore);
    assertThat(handler.whichReleases()).extracting(ReleaseStatus::version).containsExactly("1.0.0");
    try (var staging = Files.list(work.resolve("root/tmp"))) {
      assertThat(staging.toList()).as("no staging left behind").isEmpty();
    }
  }

  @Test
  void anotherBuildOfAReleaseTheNodeHasIsRefusedSayingWhatToDo() throws IOException {
    assertRefused(
        r.release("1.0.0", null, r.v2()),
        "unpacking would overwrite lib/"
            + r.app
            + "-1.0.0/"
            + r.app
            + ".jar with different content; refused: this is another build of a release the node"
            + " already has (if that release is neither running nor permanent, remove it first)");
  }

  @Test
  void theValidTarballUnpacks() throws IOException {
    assertThat(handler.unpack(r.tarball("1.1.0", files, Map.of()))).isEqualTo("1.1.0");
    assertThat(work.resolve("root/lib/" + r.app + "-1.1.0/" + r.app + ".jar")).isRegularFile();
  }

  @Test
  void aTarballRepackedFromItsDirectoryUnpacks() throws IOException {
    // `tar czf x.tar.gz -C dir .` names every entry ./..., and the root itself ./
    Map<String, byte[]> dotted = new LinkedHashMap<>();
    withManifest(files).forEach((name, bytes) -> dotted.put("./" + name, bytes));
    TarArchiveEntry root = new TarArchiveEntry("./", TarConstants.LF_DIR);
    Path tarball = TestReleases.write(work.resolve("dotted.tar.gz"), dotted, List.of(root));

    assertThat(handler.unpack(tarball)).isEqualTo("1.1.0");
    assertThat(work.resolve("root/lib/" + r.app + "-1.1.0/" + r.app + ".jar")).isRegularFile();
  }

  @Test
  void aChecksumMismatchIsRefused() throws IOException {
    String jar = "lib/" + r.app + "-1.1.0/" + r.app + ".jar";
    assertRefused(
        r.tarball("1.1.0", files, Map.of(jar, "0".repeat(64))), "checksum mismatch for " + jar);
  }

  @Test
  void aFileChangedAfterTheManifestWasWrittenIsRefused() throws IOException {
    Map<String, byte[]> tampered = new LinkedHashMap<>(files);
    String descriptor = "releases/1.1.0/" + r.release + ".release";
    String sha = TestReleases.sha256(files.get(descriptor));
    tampered.put(
        descriptor,
        (new String(files.get(descriptor), StandardCharsets.UTF_8) + "# extra\n")
            .getBytes(StandardCharsets.UTF_8));
    assertRefused(
        r.tarball("1.1.0", tampered, Map.of(descriptor, sha)),
        "checksum mismatch for " + descriptor);
  }

  @Test
  void entriesEscapingTheRootAreRefused() throws IOException {
    for (String name :
        List.of(
            "lib/../../evil",
            "../evil",
            "/etc/evil",
            "lib/./x",
            "lib//x",
            "etc/passwd",
            "C:/x",
            "lib\\..\\x")) {
      Map<String, byte[]> hostile = new LinkedHashMap<>(files);
      hostile.put(name, new byte[] {1});
      Path tarball =
          TestReleases.write(
              work.resolve("hostile-" + Math.abs(name.hashCode()) + ".tar.gz"),
              withManifest(hostile),
              List.of());
      assertRefused(tarball, "entry '" + (name.startsWith("/") ? name.substring(1) : name) + "'");
    }
  }

  @Test
  void linksLeadingOutOfTheRootAreRefused() throws IOException {
    for (String target : List.of("../../../etc/passwd", "/etc/passwd", "../..")) {
      TarArchiveEntry link =
          new TarArchiveEntry("lib/" + r.app + "-1.1.0/escape", TarConstants.LF_SYMLINK);
      link.setLinkName(target);
      Path tarball =
          TestReleases.write(
              work.resolve("link-" + Math.abs(target.hashCode()) + ".tar.gz"),
              withManifest(files),
              List.of(link));
      assertRefused(tarball, "points outside the release root");
    }
    TarArchiveEntry hard =
        new TarArchiveEntry("lib/" + r.app + "-1.1.0/hard", TarConstants.LF_LINK);
    hard.setLinkName("../../secret");
    assertRefused(
        TestReleases.write(work.resolve("hard.tar.gz"), withManifest(files), List.of(hard)),
        "points outside the release root");
  }

  @Test
  void devicesAreRefused() throws IOException {
    TarArchiveEntry device = new TarArchiveEntry("lib/dev", TarConstants.LF_CHR);
    assertRefused(
        TestReleases.write(work.resolve("dev.tar.gz"), withManifest(files), List.of(device)),
        "is not a file, directory or link");
  }

  @Test
  void corruptAndTruncatedTarballsAreRefused() throws IOException {
    Path good = r.tarball("1.1.0", files, Map.of());
    byte[] bytes = Files.readAllBytes(good);
    Path truncated =
        Files.write(
            work.resolve("truncated.tar.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertRefused(truncated, "is not a readable .tar.gz");
    assertThatThrownBy(() -> handler.unpack(truncated))
        .as("the cause in words, not an exception's missing message")
        .hasMessageNotContaining("(null)");
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 0x55;
    // a flipped bit is caught by gzip's CRC, by the tar reader or by the manifest, depending on
    // where it lands
    assertRefused(Files.write(work.resolve("flipped.tar.gz"), flipped), "flipped.tar.gz");
    assertRefused(
        Files.write(
            work.resolve("garbage.tar.gz"), "not a tarball".getBytes(StandardCharsets.UTF_8)),
        "is not a readable .tar.gz");
    assertRefused(work.resolve("missing.tar.gz"), "no release tarball at");
  }

  @Test
  void aManifestThatDoesNotMatchTheTarballIsRefused() throws IOException {
    Map<String, byte[]> extra = new LinkedHashMap<>(files);
    Path tarball = r.tarball("1.1.0", files, Map.of());
    assertThat(tarball).exists();
    Map<String, byte[]> unlisted = withManifest(files);
    unlisted.put("lib/" + r.app + "-1.1.0/unlisted.txt", new byte[] {1, 2});
    assertRefused(
        TestReleases.write(work.resolve("unlisted.tar.gz"), unlisted, List.of()),
        "unlisted.txt is not in the manifest");
    Map<String, byte[]> missing = withManifest(extra);
    missing.remove("bin/" + r.release);
    assertRefused(
        TestReleases.write(work.resolve("missing-file.tar.gz"), missing, List.of()),
        "bin/" + r.release + " is in the manifest but not in the tarball");
    Map<String, byte[]> noManifest = new LinkedHashMap<>(files);
    assertRefused(
        TestReleases.write(work.resolve("no-manifest.tar.gz"), noManifest, List.of()),
        "expected exactly one releases/<version>/manifest.sha256, found none");
  }

  @Test
  void aDescriptorWithASyntaxErrorIsRefusedWithItsLineAndColumn() throws IOException {
    Map<String, byte[]> broken = new LinkedHashMap<>(files);
    broken.put(
        "releases/1.1.0/" + r.release + ".release",
        "release x 1.1.0 {\n  java = 25\n}\n".getBytes(StandardCharsets.UTF_8));
    assertRefused(
        r.tarball("1.1.0", broken, Map.of()),
        "releases/1.1.0/" + r.release + ".release:2:8: '=' needs an option name");
  }

  @Test
  void anotherReleasesTarballIsRefused() throws IOException {
    TestReleases other = new TestReleases(work.resolve("other"), "o" + TAGS.incrementAndGet());
    Files.createDirectories(work.resolve("other"));
    assertRefused(
        other.release("1.0.0", null, other.v1()), "but this node runs release " + r.release);
  }

  /** {@code files} plus a manifest that lists exactly them. */
  private Map<String, byte[]> withManifest(Map<String, byte[]> entries) {
    StringBuilder manifest = new StringBuilder();
    for (Map.Entry<String, byte[]> file : entries.entrySet()) {
      if (file.getKey().startsWith("bin/")
          || file.getKey().startsWith("lib/")
              && !file.getKey().contains("..")
              && !file.getKey().contains("//")
              && !file.getKey().contains("/./")
          || file.getKey().startsWith("releases/")) {
        manifest
            .append(TestReleases.sha256(file.getValue()))
            .append("  ")
            .append(file.getKey())
            .append('\n');
      }
    }
    Map<String, byte[]> all = new LinkedHashMap<>(entries);
    all.put(
        "releases/1.1.0/" + Unpacker.MANIFEST,
        manifest.toString().getBytes(StandardCharsets.UTF_8));
    return all;
  }

  /** The jar {@code bytes} with one more entry, {@code name}, holding a few bytes. */
  private static byte[] withEntry(byte[] bytes, String name) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(bytes));
        var zip = new java.util.zip.ZipOutputStream(out)) {
      for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        zip.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
        in.transferTo(zip);
        zip.closeEntry();
      }
      zip.putNextEntry(new java.util.zip.ZipEntry(name));
      zip.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  @Test // issue 12: a module may not carry classes of the stable layer, nor of its packages
  void aModuleWithClassesOfTheStableLayerIsRefused() throws IOException {
    String jar = "lib/" + r.app + "-1.1.0/" + r.app + ".jar";
    Map<String, String> expected =
        Map.of(
            "org/slf4j/LoggerFactory.class",
                "org.slf4j.LoggerFactory: the stable layer has a class",
            "org/slf4j/Extra.class",
                "org.slf4j.Extra: its package org.slf4j is a package of the stable layer",
            "dev/molt/internal/Evil.class",
                "dev.molt.internal.Evil: in the stable layer (dev.molt.internal.*)");
    for (Map.Entry<String, String> entry : expected.entrySet()) {
      Map<String, byte[]> hostile = new java.util.LinkedHashMap<>(files);
      hostile.put(jar, withEntry(files.get(jar), entry.getKey()));
      assertRefused(
          r.tarball("1.1.0", hostile, Map.of()),
          "module "
              + r.app
              + " of "
              + r.app
              + " defines 1 class(es) it may not, first "
              + entry.getValue());
    }
  }

  /** {@code files} with their manifest, plus these symbolic links listed in it as well. */
  private Map<String, byte[]> withManifestAndLinks(
      Map<String, byte[]> entries, Map<String, String> links) {
    Map<String, byte[]> all = withManifest(entries);
    String manifestName = "releases/1.1.0/" + Unpacker.MANIFEST;
    StringBuilder manifest =
        new StringBuilder(new String(all.get(manifestName), StandardCharsets.UTF_8));
    links.forEach((name, target) -> manifest.append("symlink:" + target + "  " + name + "\n"));
    all.put(manifestName, manifest.toString().getBytes(StandardCharsets.UTF_8));
    return all;
  }

  private static TarArchiveEntry symlink(String name, String target) {
    TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    link.setLinkName(target);
    return link;
  }

  @Test // issue 12: every link is in the manifest and stays under bin/, lib/ and releases/
  void linksMustBeListedAndStayInTheReleaseTree() throws IOException {
    String name = "lib/" + r.app + "-1.1.0/current";
    assertRefused(
        TestReleases.write(
            work.resolve("unlisted.tar.gz"),
            withManifest(files),
            List.of(symlink(name, r.app + ".jar"))),
        "link " + name + " is not in the manifest");
    assertRefused(
        TestReleases.write(
            work.resolve("elsewhere.tar.gz"),
            withManifestAndLinks(files, Map.of(name, "other.jar")),
            List.of(symlink(name, r.app + ".jar"))),
        "link " + name + " does not point where the manifest says");
    assertRefused(
        TestReleases.write(
            work.resolve("tmp-link.tar.gz"),
            withManifestAndLinks(files, Map.of("lib/x", "../tmp")),
            List.of(symlink("lib/x", "../tmp"))),
        "link lib/x -> ../tmp points outside bin/, lib/ and releases/");
    // listed and inside: unpacked as a link
    assertThat(
            handler.unpack(
                TestReleases.write(
                    work.resolve("listed.tar.gz"),
                    withManifestAndLinks(files, Map.of(name, r.app + ".jar")),
                    List.of(symlink(name, r.app + ".jar")))))
        .isEqualTo("1.1.0");
    assertThat(work.resolve("root").resolve(name)).isSymbolicLink();
  }

  @Test // issue 12: a later release cannot write through a link an earlier one made
  void aLaterReleaseCannotWriteThroughAnEarlierLink() throws IOException {
    String link = "lib/" + r.app + "-1.1.0/data";
    handler.unpack(
        TestReleases.write(
            work.resolve("with-link.tar.gz"),
            withManifestAndLinks(files, Map.of(link, "../../releases/1.1.0")),
            List.of(symlink(link, "../../releases/1.1.0"))));
    treeBefore = TestReleases.tree(work.resolve("root"));
    releasesBefore = Files.readString(work.resolve("root/releases/RELEASES"));
    // 1.2.0 puts a file under that link: it would land in releases/1.1.0
    Path jar = r.jar("1.2.0", r.v1());
    Map<String, byte[]> later =
        new java.util.LinkedHashMap<>(r.files("1.2.0", jar, r.descriptor("1.2.0"), null, null));
    later.put(link + "/planted", "x".getBytes(StandardCharsets.UTF_8));
    StringBuilder manifest = new StringBuilder();
    later.forEach(
        (n, b) -> manifest.append(TestReleases.sha256(b)).append("  ").append(n).append('\n'));
    later.put(
        "releases/1.2.0/" + Unpacker.MANIFEST,
        manifest.toString().getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(
            () ->
                handler.unpack(TestReleases.write(work.resolve("later.tar.gz"), later, List.of())))
        .isInstanceOf(UnpackException.class)
        .hasMessageContaining("through the link " + link);
    assertThat(work.resolve("root/releases/1.1.0/planted")).doesNotExist();
    assertThat(work.resolve("root/releases/1.2.0")).doesNotExist();
  }

  @Test // issue 12: text files are UTF-8 without bidirectional controls, checked at unpack
  void badTextIsRefusedAtUnpackWithLineAndColumn() throws IOException {
    Map<String, byte[]> bad = new java.util.LinkedHashMap<>(files);
    bad.put(
        "releases/1.1.0/relup",
        new byte[] {'r', 'e', 'l', 'u', 'p', '\n', ' ', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
    assertRefused(
        r.tarball("1.1.0", bad, Map.of()), "releases/1.1.0/relup:2:3: not valid UTF-8 (byte 0xC3)");

    Map<String, byte[]> reversed = new java.util.LinkedHashMap<>(files);
    String descriptor = "releases/1.1.0/" + r.release + ".release";
    reversed.put(
        descriptor,
        new String(files.get(descriptor), StandardCharsets.UTF_8)
            .replace("release " + r.release + " 1.1.0", "release " + r.release + " 1.1.0\u202E")
            .getBytes(StandardCharsets.UTF_8));
    int column = ("release " + r.release + " 1.1.0").length() + 1;
    assertRefused(r.tarball("1.1.0", reversed, Map.of()), descriptor + ":1:" + column + ": ");
    assertRefused(
        r.tarball("1.1.0", reversed, Map.of()), "a bidirectional control character (U+202E)");

    Map<String, byte[]> badName = new java.util.LinkedHashMap<>(files);
    badName.put("lib/" + r.app + "-1.1.0/gpj.\u202Eexe", new byte[] {1});
    assertRefused(
        r.tarball("1.1.0", badName, Map.of()), "has a bidirectional control character in its name");

    Map<String, byte[]> badRelup = new java.util.LinkedHashMap<>(files);
    badRelup.put(
        "releases/1.1.0/relup", "relup 1.1.0 {\n  bogus\n}\n".getBytes(StandardCharsets.UTF_8));
    assertRefused(r.tarball("1.1.0", badRelup, Map.of()), "releases/1.1.0/relup:");
  }

  @Test // issue 12: staging left by a killed unpack is cleaned when the root is opened
  void stagingLeftBehindIsCleanedWhenTheRootOpens() throws IOException {
    Path stale = Files.createDirectories(work.resolve("root/tmp/unpack-12345/lib/x"));
    Files.writeString(stale.resolve("half.jar"), "half");
    ReleaseHandler.open(work.resolve("root"));
    assertThat(work.resolve("root/tmp/unpack-12345")).doesNotExist();
  }

  @Test // issue 12: releases/ on another file system: moves fall back to copy and rename
  void releasesOnAnotherFileSystemUnpack() throws Exception {
    Path root = work.resolve("root2");
    Path releases = Files.createDirectories(root.resolve("lib"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", releases.toString())
                .redirectErrorStream(true)
                .start()
                .waitFor()
            == 0,
        "needs permission to mount a tmpfs");
    try {
      // lib/ is a file system of its own; tmp/ (the staging) is not
      ReleaseHandler other = ReleaseHandler.open(root);
      assertThat(other.unpack(r.release("1.0.0", null, r.v1()))).isEqualTo("1.0.0");
      assertThat(releases.resolve(r.app + "-1.0.0/" + r.app + ".jar")).isRegularFile();
    } finally {
      new ProcessBuilder("umount", "-l", releases.toString()).start().waitFor();
    }
  }
}
