package dev.molt.maven;

import dev.molt.release.Appup;
import dev.molt.release.ReleaseConfig;
import dev.molt.release.ReleaseDescriptor;
import dev.molt.release.ReleasePackager;
import dev.molt.release.RelupGenerator;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Builds a Molt release from a Maven build: {@code target/<name>-<version>/} and
 * {@code target/<name>-<version>.tar.gz}, holding {@code bin/<name>} (the launcher),
 * {@code releases/<version>/} (descriptor, config, relup from each release in
 * {@code upgradeFrom}, manifest) and {@code lib/} (each application's module jars, and Molt itself as the stable
 * layer in {@code lib/molt-<version>/}).
 *
 * <p>A module comes from a class directory ({@code classes}, such as the project's output) or
 * from Java sources (files or directories) compiled here against the project's class path
 * ({@code sources}), which is
 * how one build makes two versions of an application. A release in {@code upgradeFrom} must have
 * been built before, by an earlier execution into the same output directory.
 */
@Mojo(name = "release", defaultPhase = LifecyclePhase.PACKAGE, requiresDependencyResolution = ResolutionScope.RUNTIME,
    threadSafe = true)
public final class ReleaseMojo extends AbstractMojo {
  /** An application of the release. */
  public static final class Application {
    String name;
    String version;
    String start;
    List<Module> modules = new ArrayList<>();
    List<String> depends = new ArrayList<>();
    Map<String, String> config = new LinkedHashMap<>();
    File appup;
  }

  /** A module: a class directory, or Java sources (files or directories) compiled here. */
  public static final class Module {
    String name;
    File classes;
    List<File> sources = new ArrayList<>();
  }

  @Parameter(defaultValue = "${project}", readonly = true)
  MavenProject project;

  @Parameter(defaultValue = "${plugin}", readonly = true)
  PluginDescriptor plugin;

  /** The release's name: the launcher is bin/&lt;name&gt;. */
  @Parameter(required = true)
  String name;

  @Parameter(required = true)
  String version;

  @Parameter(required = true)
  List<Application> applications;

  /** Versions of this release that this one can be upgraded from (and downgraded to). */
  @Parameter
  List<String> upgradeFrom = new ArrayList<>();

  @Parameter(defaultValue = "25")
  int javaVersion;

  @Parameter(defaultValue = "${project.build.directory}")
  File outputDirectory;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    try {
      build();
    } catch (IOException e) {
      throw new MojoExecutionException("release " + name + " " + version + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new MojoFailureException("release " + name + " " + version + ": " + e.getMessage(), e);
    }
  }

  private void build() throws IOException {
    Path out = outputDirectory.toPath();
    Map<String, byte[]> files = new LinkedHashMap<>();
    List<ReleaseDescriptor.Application> apps = new ArrayList<>();
    Map<String, Appup> appups = new LinkedHashMap<>();
    for (Application application : applications) {
      List<ReleaseDescriptor.Module> modules = new ArrayList<>();
      String dir = "lib/" + application.name + "-" + application.version;
      for (Module module : application.modules) {
        Path classes = module.classes != null ? module.classes.toPath() : compile(application, module, out);
        String jarName = module.name + "-" + application.version + ".jar";
        Path jar = ReleasePackager.jar(classes, Files.createDirectories(out.resolve("molt-jars")).resolve(name + "-" + version
            + "-" + jarName));
        files.put(dir + "/" + jarName, Files.readAllBytes(jar));
        modules.add(new ReleaseDescriptor.Module(module.name, jarName));
      }
      if (application.appup != null) {
        byte[] text = Files.readAllBytes(application.appup.toPath());
        Appup appup = Appup.parse(application.appup.toString(), new String(text, StandardCharsets.UTF_8));
        appups.put(application.name, appup);
        files.put(dir + "/" + application.name + ".appup", text);
      }
      apps.add(new ReleaseDescriptor.Application(application.name, application.version, application.start, modules,
          application.depends, new LinkedHashMap<>(application.config)));
    }
    ReleaseDescriptor descriptor = ReleaseDescriptor.parse(name + ".release",
        new ReleaseDescriptor(name, version, javaVersion, apps, upgradeFrom).write());
    files.put("releases/" + version + "/" + name + ".release", descriptor.write().getBytes(StandardCharsets.UTF_8));
    files.put("releases/" + version + "/" + name + ".config", ReleaseConfig.defaults(descriptor)
        .write("Configuration of release " + name + " " + version + ": each application's values, read when the node boots\n"
            + "this release or installs it. Edit a value to override the default in " + name + ".release.")
        .getBytes(StandardCharsets.UTF_8));
    if (!upgradeFrom.isEmpty()) {
      List<ReleaseDescriptor> sources = new ArrayList<>();
      for (String from : upgradeFrom) {
        Path previous = out.resolve(name + "-" + from).resolve("releases").resolve(from).resolve(name + ".release");
        if (!Files.exists(previous)) {
          throw new IllegalStateException("cannot make the relup from " + from + ": " + previous + " does not exist (build release "
              + from + " first, into the same directory)");
        }
        sources.add(ReleaseDescriptor.read(previous));
      }
      files.put("releases/" + version + "/relup", RelupGenerator.generate(descriptor, sources, appups).write()
          .getBytes(StandardCharsets.UTF_8));
    }
    for (Artifact artifact : plugin.getArtifacts()) {
      if ("jar".equals(artifact.getType()) && artifact.getFile() != null && !artifact.getGroupId().startsWith("org.apache.maven")) {
        files.put("lib/molt-" + plugin.getVersion() + "/" + artifact.getArtifactId() + "-" + artifact.getVersion() + ".jar",
            Files.readAllBytes(artifact.getFile().toPath()));
      }
    }
    files.put("bin/" + name, launcher().getBytes(StandardCharsets.UTF_8));

    Path releaseDir = out.resolve(name + "-" + version);
    deleteTree(releaseDir);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Path target = releaseDir.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
      if (file.getKey().startsWith("bin/")) {
        target.toFile().setExecutable(true, false);
      }
    }
    Files.writeString(releaseDir.resolve("releases").resolve(version).resolve("manifest.sha256"), ReleasePackager.manifest(files));
    Path tarball = ReleasePackager.tarball(out.resolve(name + "-" + version + ".tar.gz"), version, files);
    getLog().info("release " + name + " " + version + ": " + tarball + " (" + files.size() + " files)");
  }

  private Path compile(Application application, Module module, Path out) throws IOException {
    if (module.sources.isEmpty()) {
      throw new IllegalStateException("module " + module.name + " of " + application.name + " needs <classes> or <sources>");
    }
    Path classes = out.resolve("molt-classes").resolve(application.name + "-" + application.version).resolve(module.name);
    deleteTree(classes);
    Files.createDirectories(classes);
    List<String> args = new ArrayList<>();
    try {
      args.addAll(List.of("-d", classes.toString(), "--release", Integer.toString(javaVersion), "-cp",
          String.join(File.pathSeparator, project.getCompileClasspathElements())));
    } catch (org.apache.maven.artifact.DependencyResolutionRequiredException e) {
      throw new IOException("the project's class path is not resolved", e);
    }
    for (File source : module.sources) {
      if (!source.exists()) {
        throw new IllegalStateException("module " + module.name + ": no source " + source);
      }
      try (Stream<Path> paths = Files.walk(source.toPath())) {
        paths.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
      }
    }
    var compiler = javax.tools.ToolProvider.getSystemJavaCompiler();
    if (compiler.run(null, null, null, args.toArray(String[]::new)) != 0) {
      throw new IllegalStateException("module " + module.name + " of " + application.name + " " + application.version
          + " does not compile (sources in " + module.sources + ")");
    }
    return classes;
  }

  private String launcher() throws IOException {
    try (InputStream in = ReleaseMojo.class.getResourceAsStream("launcher.sh")) {
      if (in == null) {
        throw new IOException("launcher.sh is missing from the plugin");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@NAME@", name);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
