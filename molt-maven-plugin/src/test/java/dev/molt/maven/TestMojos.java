package dev.molt.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;

/** The release goal set up as Maven would, for one application of one module from sources. */
final class TestMojos {
  private TestMojos() {}

  /**
   * Release {@code release} {@code version} whose application {@code release} has one module,
   * {@code app}, compiled from {@code server} (class {@code pkg.Server}, its start class), with
   * {@code dependencies} as the project's artifacts and no plugin artifacts, into {@code
   * work/target}.
   */
  static ReleaseMojo mojo(
      Path work,
      String release,
      String version,
      String pkg,
      String server,
      Set<Artifact> dependencies)
      throws IOException {
    Path src =
        Files.createDirectories(work.resolve("src-" + version).resolve(pkg.replace('.', '/')));
    Files.writeString(src.resolve("Server.java"), server);
    ReleaseMojo.Module module = new ReleaseMojo.Module();
    module.name = "app";
    module.sources = List.of(src.toFile());
    ReleaseMojo.Application application = new ReleaseMojo.Application();
    application.name = "app";
    application.version = version;
    application.start = pkg + ".Server";
    application.modules = List.of(module);
    ReleaseMojo mojo = new ReleaseMojo();
    mojo.name = release;
    mojo.version = version;
    mojo.applications = List.of(application);
    mojo.outputDirectory = work.resolve("target").toFile();
    mojo.javaVersion = 25;
    mojo.project =
        new MavenProject(new Model()) {
          @Override
          public List<String> getCompileClasspathElements() {
            return List.of(System.getProperty("java.class.path").split(File.pathSeparator));
          }

          @Override
          public Set<Artifact> getArtifacts() {
            return dependencies;
          }
        };
    PluginDescriptor plugin = new PluginDescriptor();
    plugin.setVersion("test");
    plugin.setArtifacts(new ArrayList<>());
    mojo.plugin = plugin;
    return mojo;
  }
}
