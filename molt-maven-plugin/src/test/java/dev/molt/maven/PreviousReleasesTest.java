package dev.molt.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.io.FileUtils;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upgradeFrom} names an earlier release by its tarball or by the coordinates of the artifact
 * an earlier build attached: the output directory can be cleaned, and only the version being built
 * needs its sources.
 */
class PreviousReleasesTest {
  @TempDir Path work;

  private static final String SERVER =
      """
      package prev.app;
      import dev.molt.behaviour.*;
      public final class Server implements GenServer<Server.State> {
        public record State(int n) {}
        public Init<State> init(Object arg) { return Init.ok(new State(0)); }
        public CallResult<State> handleCall(Object request, From from, State state) { return new Reply<>("%s", state); }
        public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
      }
      """;

  private ReleaseMojo mojo(String version, String reply) throws Exception {
    return TestMojos.mojo(
        work, "prev", version, "prev.app", SERVER.formatted(reply), java.util.Set.of());
  }

  /** Builds 1.0.0, keeps its tarball aside and cleans the output directory. */
  private Path releasedThenCleaned() throws Exception {
    mojo("1.0.0", "v1").execute();
    Path kept = Files.createDirectories(work.resolve("kept")).resolve("prev-1.0.0.tar.gz");
    Files.copy(work.resolve("target/prev-1.0.0.tar.gz"), kept);
    FileUtils.deleteDirectory(work.resolve("target").toFile());
    return kept;
  }

  @Test
  void anEarlierReleaseByItsTarballAfterAClean() throws Exception {
    Path kept = releasedThenCleaned();
    ReleaseMojo next = mojo("1.1.0", "v2");
    next.upgradeFrom = List.of(kept.toString());
    next.execute();

    assertThat(work.resolve("target/prev-1.1.0/releases/1.1.0/prev.release"))
        .content()
        .contains("upgrade_from 1.0.0");
    assertThat(work.resolve("target/prev-1.1.0/lib/app-1.1.0/app.appup"))
        .as("generated from the two builds: the earlier one read from its tarball")
        .content()
        .contains("up 1.0.0", "load_module app");
    assertThat(work.resolve("target/prev-1.1.0/releases/1.1.0/relup")).exists();
  }

  @Test
  void anEarlierReleaseByTheCoordinatesOfItsArtifact() throws Exception {
    Path kept = releasedThenCleaned();
    List<Artifact> asked = new ArrayList<>();
    ReleaseMojo next = mojo("1.1.0", "v2");
    next.repositorySystem =
        (RepositorySystem)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {RepositorySystem.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("resolveArtifact")) {
                    ArtifactRequest request = (ArtifactRequest) args[1];
                    asked.add(request.getArtifact());
                    return new ArtifactResult(request)
                        .setArtifact(request.getArtifact().setFile(kept.toFile()));
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    next.repositorySession =
        (RepositorySystemSession)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {RepositorySystemSession.class},
                (proxy, method, args) -> null);
    next.upgradeFrom = List.of("com.example:prev:1.0.0");
    next.execute();

    assertThat(asked).singleElement().hasToString("com.example:prev:tar.gz:release-1.0.0:1.0.0");
    assertThat(work.resolve("target/prev-1.1.0/releases/1.1.0/prev.release"))
        .content()
        .contains("upgrade_from 1.0.0");
  }

  @Test
  void aTarballOfAnotherReleaseOrOneThatLeavesItsDirectoryIsRefused() throws Exception {
    Path other = work.resolve("other.tar.gz");
    tar(other, "releases/9.9.9/someone.release", "release someone 9.9.9 {}");
    ReleaseMojo mojo = mojo("1.1.0", "v2");
    mojo.upgradeFrom = List.of(other.toString());
    assertThatThrownBy(mojo::execute).hasMessageContaining("holds no release prev");

    Path hostile = work.resolve("hostile.tar.gz");
    tar(
        hostile,
        "releases/1.0.0/prev.release",
        "release prev 1.0.0 {}",
        "lib/../../../escaped",
        "x");
    assertThatThrownBy(() -> PreviousReleases.extract("prev", hostile, work.resolve("out")))
        .hasMessageContaining("leaves the release");
    assertThat(work.resolve("escaped")).doesNotExist();
  }

  private static void tar(Path target, String... namesAndTexts) throws Exception {
    try (OutputStream out = Files.newOutputStream(target);
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      for (int i = 0; i < namesAndTexts.length; i += 2) {
        byte[] bytes = namesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(namesAndTexts[i], true);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
  }
}
