package dev.molt.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release goal carries the project's libraries: each dependency that is neither Molt's, nor in
 * the stable layer, nor optional becomes a library module of the first application; a library that
 * changes version between two releases is loaded by the generated appup; a stable layer that
 * changes between them is warned of.
 */
class LibrariesTest {
  @TempDir Path work;

  private final List<String> warnings = new ArrayList<>();

  private Artifact artifact(String group, String id, String version, boolean optional)
      throws IOException {
    DefaultArtifact artifact =
        new DefaultArtifact(
            group,
            id,
            version,
            Artifact.SCOPE_COMPILE,
            "jar",
            null,
            new DefaultArtifactHandler("jar"));
    Path classes = Files.createDirectories(work.resolve("lib-" + id + "-" + version + "/x/" + id));
    Files.write(classes.resolve("C.class"), (id + version).getBytes());
    Path jar = work.resolve(id + "-" + version + ".jar");
    dev.molt.release.ReleasePackager.jar(classes.getParent().getParent(), jar);
    artifact.setFile(jar.toFile());
    artifact.setOptional(optional);
    return artifact;
  }

  private ReleaseMojo mojo(String version, String library, String stable) throws IOException {
    Set<Artifact> dependencies = new LinkedHashSet<>();
    dependencies.add(artifact("com.example", "textlib", library, false));
    dependencies.add(artifact("com.example", "demo-logging", "1.0", true)); // optional: left out
    dependencies.add(artifact("dev.molt", "molt-runtime", "test", false)); // Molt's: left out
    dependencies.add(artifact("org.pinned", "pinned", stable, false)); // in the stable layer
    ReleaseMojo mojo =
        TestMojos.mojo(
            work,
            "libs",
            version,
            "libs.app",
            """
            package libs.app;
            import dev.molt.behaviour.*;
            public final class Server implements GenServer<String> {
              public Init<String> init(Object arg) { return Init.ok("s"); }
              public CallResult<String> handleCall(Object request, From from, String state) { return new Reply<>("ok", state); }
              public CastResult<String> handleCast(Object request, String state) { return new NoReply<>(state); }
            }
            """,
            dependencies);
    mojo.plugin.setArtifacts(
        new ArrayList<>(List.of(artifact("org.pinned", "pinned", stable, false))));
    mojo.setLog(
        new SystemStreamLog() {
          @Override
          public void warn(CharSequence content) {
            warnings.add(content.toString());
          }
        });
    return mojo;
  }

  @Test
  void theProjectsLibrariesTravelWithTheReleaseAndAChangedOneIsLoaded() throws Exception {
    mojo("1.0.0", "1.0", "1.0").execute();
    assertThat(work.resolve("target/libs-1.0.0/releases/1.0.0/libs.release"))
        .content()
        .contains("module textlib textlib-1.0.jar library=1.0")
        .doesNotContain("demo-logging", "molt-runtime", "module pinned");
    assertThat(work.resolve("target/libs-1.0.0/lib/app-1.0.0/textlib-1.0.jar")).isRegularFile();
    String stable =
        java.nio.file.Files.readString(work.resolve("target/libs-1.0.0/releases/1.0.0/stable"))
            .strip();
    assertThat(stable).matches("lib/molt-test-[0-9a-f]{12}");
    assertThat(work.resolve("target/libs-1.0.0").resolve(stable).resolve("pinned-1.0.jar"))
        .isRegularFile();

    ReleaseMojo next = mojo("1.1.0", "2.0", "1.0");
    next.upgradeFrom = List.of("1.0.0");
    next.execute();

    assertThat(work.resolve("target/libs-1.1.0/releases/1.1.0/libs.release"))
        .content()
        .contains("module textlib textlib-2.0.jar library=2.0");
    assertThat(work.resolve("target/libs-1.1.0/lib/app-1.1.0/app.appup"))
        .content()
        .contains("load_module textlib", "library textlib changed");
    assertThat(work.resolve("target/libs-1.1.0/releases/1.1.0/relup"))
        .as("the relup loads the library's new version")
        .content()
        .contains("prepare textlib", "switch");
    assertThat(warnings).as("the stable layer did not change").isEmpty();
  }

  @Test
  void theTarballIsAttachedToTheBuildWithItsReleaseAsClassifier() throws Exception {
    List<List<Object>> attached = new ArrayList<>();
    ReleaseMojo mojo = mojo("1.0.0", "1.0", "1.0");
    mojo.projectHelper =
        (org.apache.maven.project.MavenProjectHelper)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {org.apache.maven.project.MavenProjectHelper.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("attachArtifact") && args.length == 4) {
                    attached.add(List.of(args[1], args[2], args[3]));
                  }
                  return null;
                });
    mojo.execute();

    assertThat(attached)
        .containsExactly(
            List.of("tar.gz", "release-1.0.0", work.resolve("target/libs-1.0.0.tar.gz").toFile()));
  }

  @Test
  void anApplicationCarriesTheLibrariesItNamesAndTheFirstOneTheRest() throws Exception {
    ReleaseMojo mojo = withSecondApplication("com.example:jsonlib");
    mojo.project.getArtifacts().add(artifact("com.example", "jsonlib", "3.0", false));
    mojo.execute();

    String descriptor =
        Files.readString(work.resolve("target/libs-1.0.0/releases/1.0.0/libs.release"));
    String first = descriptor.substring(descriptor.indexOf("application app "));
    first = first.substring(0, first.indexOf('}'));
    String second = descriptor.substring(descriptor.indexOf("application other "));
    assertThat(first)
        .contains("module textlib textlib-1.0.jar library=1.0")
        .doesNotContain("jsonlib");
    assertThat(second)
        .contains("module jsonlib jsonlib-3.0.jar library=3.0")
        .doesNotContain("textlib");
    assertThat(work.resolve("target/libs-1.0.0/lib/other-1.0.0/jsonlib-3.0.jar")).isRegularFile();
  }

  @Test
  void aLibraryNamedThatTheProjectDoesNotHaveOrNamedTwiceFailsTheBuild() throws Exception {
    assertThatThrownBy(withSecondApplication("com.example:nowhere")::execute)
        .hasMessageContaining("application other names library com.example:nowhere, which is not");
    ReleaseMojo twice = withSecondApplication("com.example:textlib");
    twice.applications.getFirst().libraries = List.of("com.example:textlib");
    assertThatThrownBy(twice::execute)
        .hasMessageContaining("library com.example:textlib is named by applications app and other");
  }

  /** Release 1.0.0 with a second application, "other", that names {@code library}. */
  private ReleaseMojo withSecondApplication(String library) throws Exception {
    ReleaseMojo mojo = mojo("1.0.0", "1.0", "1.0");
    ReleaseMojo.Module module = new ReleaseMojo.Module();
    module.name = "othermod";
    module.sources = mojo.applications.getFirst().modules.getFirst().sources;
    ReleaseMojo.Application other = new ReleaseMojo.Application();
    other.name = "other";
    other.version = "1.0.0";
    other.start = "libs.app.Server";
    other.modules = List.of(module);
    other.libraries = List.of(library);
    mojo.applications = List.of(mojo.applications.getFirst(), other);
    return mojo;
  }

  @Test
  void aStableLayerThatChangesBetweenReleasesIsWarnedOf() throws Exception {
    mojo("1.0.0", "1.0", "1.0").execute();
    ReleaseMojo next = mojo("1.1.0", "1.0", "2.0");
    next.upgradeFrom = List.of("1.0.0");
    next.execute();

    assertThat(warnings)
        .singleElement()
        .asString()
        .contains(
            "the stable layer differs from 1.0.0's (new [pinned-2.0.jar], gone [pinned-1.0.jar])",
            "keeps the old one until the node restarts");
  }
}
