package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same files give the same bytes: a module jar built again later, in another time zone, from
 * class files touched since, and a tarball of the same files given in another order.
 */
class ReproducibleTest {
  @TempDir Path work;

  @Test
  void aJarBuiltAgainLaterElsewhereInTimeIsTheSameBytes() throws IOException {
    Path classes = work.resolve("classes");
    Files.createDirectories(classes.resolve("com/example/inner"));
    Files.write(classes.resolve("com/example/A.class"), new byte[] {(byte) 0xCA, (byte) 0xFE, 1});
    Files.write(classes.resolve("com/example/inner/B.class"), new byte[] {(byte) 0xCA, 2});
    Path first = ReleasePackager.jar(classes, work.resolve("first.jar"), List.of(classes));

    TimeZone zone = TimeZone.getDefault();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.toList()) {
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2031-07-04T12:00:00Z")));
      }
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati")); // UTC+14
      Path second = ReleasePackager.jar(classes, work.resolve("second.jar"), List.of(classes));

      assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
    } finally {
      TimeZone.setDefault(zone);
    }
  }

  @Test
  void aTarballOfTheSameFilesInAnotherOrderIsTheSameBytes() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("bin/app", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
    files.put("lib/app-1.0.0/app.jar", new byte[] {1, 2, 3});
    files.put(
        "releases/1.0.0/app.release", "release app 1.0.0 {}".getBytes(StandardCharsets.UTF_8));
    Map<String, byte[]> reversed = new LinkedHashMap<>();
    List.copyOf(files.keySet()).reversed().forEach(name -> reversed.put(name, files.get(name)));

    Path first = ReleasePackager.tarball(work.resolve("first.tar.gz"), "1.0.0", files);
    Path second = ReleasePackager.tarball(work.resolve("second.tar.gz"), "1.0.0", reversed);

    assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
  }
}
