package dev.molt.release;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.behaviour.ApplicationCallback;
import dev.molt.behaviour.ApplicationController;
import dev.molt.behaviour.ApplicationSpec;
import dev.molt.behaviour.Restart;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleInfo;
import dev.molt.code.ModuleSource;
import dev.molt.internal.upgrade.Upgrade;
import dev.molt.release.ReleaseDescriptor.Application;
import dev.molt.release.ReleaseStatus.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's release handler (OTP's {@code release_handler}): unpacks releases under its root,
 * boots the permanent one, installs others live through their relups, makes them permanent,
 * downgrades and removes them. Its state is {@code releases/RELEASES}, written atomically.
 *
 * <p>Root layout: {@code bin/<name>}, {@code releases/RELEASES}, {@code releases/<vsn>/}
 * (descriptor, relup, manifest), {@code lib/<app>-<vsn>/} (jars), {@code log/}, {@code tmp/}.
 *
 * <p>An install runs the relup script. The processes it touches are found in the runtime's own
 * index of which process runs which module, suspended all at once under one deadline, moved, and
 * resumed. Until the first of them resumes (the point of no return), any failure — a {@code
 * codeChange} that throws, a process that does not suspend in time or dies, a class that does not
 * link, an {@code apply} that throws — puts every process back on its old version with its old
 * state and the old code back as current, and the old release stays current. {@code RELEASES}
 * changes only once an install has succeeded, so a node killed mid-install boots its permanent
 * release again.
 */
@API(status = STABLE, since = "0.1")
public final class ReleaseHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ReleaseHandler.class);

  /** How long processes still on old code get to suspend when a release is made permanent. */
  private static final Duration STRAGGLER_SUSPEND = Duration.ofSeconds(5);

  /** How long they get for their code change and resume. */
  private static final Duration STRAGGLER_CHANGE = Duration.ofSeconds(30);

  private final Path root;
  private final Path releasesFile;
  private String name;
  private List<ReleaseStatus> releases;

  private ReleaseHandler(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.releasesFile = this.root.resolve("releases").resolve("RELEASES");
    Files.createDirectories(this.root.resolve("releases"));
    this.releases = new ArrayList<>(ReleasesFile.read(releasesFile));
    this.name = releases.isEmpty() ? null : releases.getFirst().name();
  }

  /** The handler of the releases under {@code root}; creates the layout if the root is new. */
  public static ReleaseHandler open(Path root) throws IOException {
    Unpacker.cleanStaging(root.toAbsolutePath().normalize());
    return new ReleaseHandler(root);
  }

  public Path root() {
    return root;
  }

  /** The releases on this node, oldest unpacked first. */
  public synchronized List<ReleaseStatus> whichReleases() {
    return List.copyOf(releases);
  }

  /** The release running now: the current one, else the permanent one. */
  public synchronized Optional<String> current() {
    return find(Status.CURRENT).or(() -> find(Status.PERMANENT));
  }

  public synchronized Optional<String> permanent() {
    return find(Status.PERMANENT);
  }

  private Optional<String> find(Status status) {
    return releases.stream()
        .filter(r -> r.status() == status)
        .map(ReleaseStatus::version)
        .findFirst();
  }

  /** The descriptor of an unpacked release. */
  public synchronized ReleaseDescriptor descriptor(String version) throws IOException {
    requireKnown(version);
    return ReleaseDescriptor.read(releaseDir(version).resolve(name + ".release"));
  }

  private Path releaseDir(String version) {
    return root.resolve("releases").resolve(version);
  }

  /**
   * Runs {@code operation} with the phases of the release operations it makes on this thread
   * (unpack, each step of an install, make permanent) told to {@code progress} as they start and
   * end; they are logged at INFO either way. A sink that throws loses its line, never the
   * operation. How {@code bin/<name> upgrade} shows an operator what the node is doing.
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1")
  public static <T, X extends Throwable> T reporting(
      java.util.function.Consumer<String> progress, ScopedValue.CallableOp<T, X> operation)
      throws X {
    return ScopedValue.where(Progress.SINK, progress).call(operation);
  }

  // ---- unpack, remove ----------------------------------------------------------------------

  /**
   * Verifies and unpacks a release tarball; returns its version. Unpacking a release that is
   * already there changes nothing. Fails with {@link UnpackException}, changing nothing.
   */
  public synchronized String unpack(Path tarball) throws IOException {
    Progress.phase(LOG, "unpacking " + tarball);
    Unpacker.Unpacked unpacked = new Unpacker(root).unpack(tarball, name);
    ReleaseDescriptor descriptor = unpacked.descriptor();
    if (releases.stream().noneMatch(r -> r.version().equals(descriptor.version()))) {
      List<ReleaseStatus> next = new ArrayList<>(releases);
      next.add(new ReleaseStatus(descriptor.name(), descriptor.version(), Status.UNPACKED));
      save(descriptor.name(), next);
    }
    Progress.phase(
        LOG,
        "unpacked release "
            + descriptor.name()
            + " "
            + descriptor.version()
            + (unpacked.alreadyThere() ? " (already there)" : ""));
    return descriptor.version();
  }

  /**
   * Removes a release that is neither permanent nor current: its directory, and the application
   * directories no other release uses.
   */
  public synchronized void remove(String version) throws IOException {
    ReleaseStatus release = requireKnown(version);
    if (release.status() == Status.PERMANENT) {
      throw new IllegalStateException(
          "release "
              + version
              + " is permanent and cannot be removed; make another release "
              + "permanent first");
    }
    if (release.status() == Status.CURRENT) {
      throw new IllegalStateException("release " + version + " is running and cannot be removed");
    }
    ReleaseDescriptor descriptor = descriptor(version);
    Set<String> used = new LinkedHashSet<>();
    for (ReleaseStatus other : releases) {
      if (!other.version().equals(version)) {
        descriptor(other.version()).applications().forEach(a -> used.add(a.dir()));
      }
    }
    List<ReleaseStatus> next = new ArrayList<>(releases);
    next.remove(release);
    save(name, next);
    for (Application application : descriptor.applications()) {
      if (!used.contains(application.dir())) {
        Unpacker.deleteTree(root.resolve(application.dir()));
      }
    }
    Unpacker.deleteTree(releaseDir(version));
    LOG.info("removed release {} {}", name, version);
  }

  // ---- boot ----------------------------------------------------------------------------------

  /**
   * Starts the permanent release on this node: loads its modules and starts its applications. With
   * no permanent release yet, boots the only unpacked one and makes it permanent. A release that
   * was installed but not made permanent is back to unpacked: the restart left it.
   *
   * <p>If the permanent release does not boot, what it started is stopped and the node falls back
   * to the releases that were permanent before it, newest first, with an error in the log. The one
   * that boots is then current, the permanent one stays permanent, and {@link #bootFailure} says
   * what happened, until the operator makes a release permanent or installs one.
   */
  public synchronized String boot() throws IOException {
    if (releases.isEmpty()) {
      adoptExtracted();
    }
    List<String> candidates = new ArrayList<>();
    candidates.add(
        find(Status.PERMANENT)
            .orElseGet(
                () -> {
                  List<ReleaseStatus> unpacked =
                      releases.stream().filter(r -> r.status() == Status.UNPACKED).toList();
                  if (unpacked.size() != 1) {
                    throw new IllegalStateException(
                        unpacked.isEmpty()
                            ? "no release under " + root + " to boot; unpack one first"
                            : "no permanent release under "
                                + root
                                + ", and more than one unpacked: "
                                + unpacked.stream().map(ReleaseStatus::version).toList());
                  }
                  return unpacked.getFirst().version();
                }));
    releases.reversed().stream()
        .filter(r -> r.status() == Status.OLD)
        .forEach(r -> candidates.add(r.version()));
    List<String> failures = new ArrayList<>();
    for (String version : candidates) {
      ReleaseDescriptor descriptor;
      try {
        descriptor = descriptor(version);
        bootRelease(descriptor);
      } catch (IOException | RuntimeException e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        failures.add(version + ": " + why);
        LOG.error(
            "release {} did not boot: {}{}",
            version,
            why,
            candidates.indexOf(version) + 1 < candidates.size()
                ? "; falling back to " + candidates.get(candidates.indexOf(version) + 1)
                : "; no earlier permanent release to fall back to",
            e);
        continue;
      }
      String permanent = candidates.getFirst();
      List<ReleaseStatus> next = new ArrayList<>();
      for (ReleaseStatus release : releases) {
        Status status;
        if (release.version().equals(permanent)) {
          status = Status.PERMANENT;
        } else if (release.version().equals(version)) {
          status = Status.CURRENT; // a fallback: current, not permanent
        } else {
          status = release.status() == Status.CURRENT ? Status.UNPACKED : release.status();
        }
        next.add(new ReleaseStatus(release.name(), release.version(), status));
      }
      save(descriptor.name(), next);
      if (version.equals(permanent)) {
        bootFailure = null;
        LOG.info("booted release {} {}", descriptor.name(), version);
      } else {
        bootFailure =
            "permanent release "
                + permanent
                + " did not boot ("
                + failures.getFirst().substring(permanent.length() + 2)
                + "); running "
                + version
                + " instead. Make a release permanent to clear this";
        LOG.error("FALLBACK BOOT: {}", bootFailure);
      }
      return version;
    }
    throw new IllegalStateException(
        "no release under " + root + " boots: " + String.join("; ", failures));
  }

  /**
   * A root made by extracting a release tarball ({@code tar xzf}) has the release's files but no
   * {@code RELEASES}: if it holds exactly one release, checked against its manifest, it becomes
   * this node's only release, unpacked, as OTP's target systems boot from an extracted tarball.
   */
  private void adoptExtracted() throws IOException {
    List<String> versions;
    try (var dirs = Files.newDirectoryStream(root.resolve("releases"), Files::isDirectory)) {
      versions = new ArrayList<>();
      dirs.forEach(d -> versions.add(d.getFileName().toString()));
    }
    if (versions.size() != 1) {
      return; // none, or several: boot says what it needs
    }
    ReleaseDescriptor descriptor = Unpacker.extractedInPlace(root, versions.getFirst());
    save(
        descriptor.name(),
        List.of(new ReleaseStatus(descriptor.name(), descriptor.version(), Status.UNPACKED)));
    LOG.info(
        "release {} {} was extracted in place; its files match its manifest",
        descriptor.name(),
        descriptor.version());
  }

  /**
   * Stops the running release as a node's stop does, and leaves this JVM ready to boot another: its
   * applications stop in reverse start order and are unloaded, and its modules are deleted and
   * purged. The releases on disk are untouched. For tests that boot releases in-process one after
   * another; a node stops with its JVM.
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1")
  public synchronized void shutdown() throws IOException {
    Optional<String> running = current();
    if (running.isEmpty()) {
      return;
    }
    ReleaseDescriptor descriptor = descriptor(running.get());
    ApplicationController controller = ApplicationController.node();
    for (Application application : descriptor.startOrder().reversed()) {
      if (controller.isRunning(application.name())) {
        controller.stop(application.name());
      }
      if (controller.loadedApplications().stream()
          .anyMatch(spec -> spec.name().equals(application.name()))) {
        controller.unload(application.name());
      }
    }
    for (Application application : descriptor.startOrder().reversed()) {
      for (ReleaseDescriptor.Module module : application.modules().reversed()) {
        if (CodeServer.isLoaded(module.name())) {
          CodeServer.purge(module.name());
          CodeServer.delete(module.name());
          CodeServer.purge(module.name());
        }
      }
    }
    LOG.info("release {} {} is stopped", descriptor.name(), running.get());
  }

  /**
   * {@link CodeServer#leaks()}, each leak of a library module of a release on this node named as
   * such: a library that starts threads or keeps global state belongs in the stable layer.
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1")
  public synchronized List<dev.molt.code.Leak> leaks() {
    Set<String> libraries = new java.util.TreeSet<>();
    for (ReleaseStatus release : releases) {
      try {
        for (Application application : descriptor(release.version()).startOrder()) {
          for (ReleaseDescriptor.Module module : application.modules()) {
            if (module.isLibrary()) {
              libraries.add(module.name());
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // a release whose descriptor cannot be read names no library
      }
    }
    List<dev.molt.code.Leak> leaks = new ArrayList<>();
    for (dev.molt.code.Leak leak : CodeServer.leaks()) {
      if (!libraries.contains(leak.module())) {
        leaks.add(leak);
        continue;
      }
      List<String> holders = new ArrayList<>(leak.holders());
      holders.add(
          leak.module()
              + " is a library of the release: one that starts threads or keeps global state"
              + " belongs in the stable layer;"
              + " make it a dependency of molt-maven-plugin instead of the project");
      leaks.add(new dev.molt.code.Leak(leak.module(), leak.version(), holders));
    }
    return leaks;
  }

  /** Why the node runs a release other than its permanent one, if it fell back at boot. */
  public synchronized Optional<String> bootFailure() {
    return Optional.ofNullable(bootFailure);
  }

  private String bootFailure;

  /** Loads the release's modules and starts its applications; undoes what it did if it fails. */
  private void bootRelease(ReleaseDescriptor descriptor) throws IOException {
    List<String> problems = bootProblems(descriptor);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(String.join("; ", problems));
    }
    List<ModuleSource> sources = new ArrayList<>();
    for (Application application : descriptor.startOrder()) {
      for (ReleaseDescriptor.Module module : application.modules()) {
        sources.add(source(descriptor, application, module));
      }
    }
    ApplicationController controller = ApplicationController.node();
    List<String> loaded = new ArrayList<>();
    try {
      CodeServer.finish(CodeServer.prepare(sources, false));
      ReleaseConfig config = config(descriptor);
      for (Application application : descriptor.startOrder()) {
        controller.load(spec(application), config.effective(application));
        loaded.add(application.name());
        controller.start(application.name(), Restart.PERMANENT);
      }
    } catch (IOException | RuntimeException e) {
      for (String application : loaded.reversed()) {
        try {
          if (controller.isRunning(application)) {
            controller.stop(application);
          }
          controller.unload(application);
        } catch (RuntimeException stopFailed) {
          LOG.warn(
              "after a failed boot, {} could not be stopped: {}",
              application,
              stopFailed.toString());
        }
      }
      for (ModuleSource source : sources) {
        if (CodeServer.isLoaded(source.name())) {
          CodeServer.delete(source.name());
          CodeServer.purge(source.name());
        }
      }
      throw e;
    }
  }

  /**
   * What would keep the release of {@code descriptor} from booting, found without loading it: a
   * module file missing or unreadable, a start class in none of its application's modules, a config
   * that does not parse. Empty if none.
   */
  List<String> bootProblems(ReleaseDescriptor descriptor) {
    List<String> problems = new ArrayList<>();
    try {
      config(descriptor);
    } catch (IOException | RuntimeException e) {
      problems.add("its config: " + e.getMessage());
    }
    for (Application application : descriptor.startOrder()) {
      String classFile = application.start().replace('.', '/') + ".class";
      boolean found = false;
      for (ReleaseDescriptor.Module module : application.modules()) {
        Path path = root.resolve(application.dir()).resolve(module.path());
        if (Files.isDirectory(path)) {
          found |= Files.isRegularFile(path.resolve(classFile));
        } else if (Files.isRegularFile(path)) {
          try (java.util.jar.JarFile jar = new java.util.jar.JarFile(path.toFile())) {
            found |= jar.getEntry(classFile) != null;
          } catch (IOException e) {
            problems.add(
                "module "
                    + module.name()
                    + ": "
                    + path
                    + " is not a readable jar ("
                    + e.getMessage()
                    + ")");
          }
        } else {
          problems.add("module " + module.name() + ": " + path + " is missing");
        }
      }
      if (!found) {
        problems.add(
            "application "
                + application.name()
                + ": its start class "
                + application.start()
                + " is in none of its modules");
      }
    }
    return problems;
  }

  /**
   * The release's config file, {@code releases/<vsn>/<name>.config} (none: the descriptor's
   * defaults).
   */
  ReleaseConfig config(ReleaseDescriptor descriptor) throws IOException {
    return ReleaseConfig.read(
        releaseDir(descriptor.version()).resolve(descriptor.name() + ".config"));
  }

  private ModuleSource source(
      ReleaseDescriptor descriptor, Application application, ReleaseDescriptor.Module module) {
    Path path = root.resolve(application.dir()).resolve(module.path());
    // the application's code uses every module it has and those of the applications it depends
    // on; a library uses only the libraries listed before it (the build lists each after what it
    // needs), so that a change of the application's code does not relink the libraries under it
    List<String> depends = new ArrayList<>();
    for (ReleaseDescriptor.Module other : application.modules()) {
      if (other.name().equals(module.name())) {
        if (module.isLibrary()) {
          break;
        }
        continue;
      }
      if (!module.isLibrary() || other.isLibrary()) {
        depends.add(other.name());
      }
    }
    for (String dependency : dependencies(descriptor, application)) {
      descriptor.application(dependency).orElseThrow().modules().stream()
          .filter(m -> !module.isLibrary() || m.isLibrary())
          .forEach(m -> depends.add(m.name()));
    }
    ModuleSource source =
        Files.isDirectory(path)
            ? ModuleSource.directory(module.name(), path)
            : ModuleSource.jar(module.name(), path);
    if (module.isLibrary()) {
      Upgrade.markLibrary(module.name());
    }
    return source.dependingOn(depends.toArray(String[]::new));
  }

  private static Set<String> dependencies(ReleaseDescriptor descriptor, Application application) {
    Set<String> all = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(application.depends());
    while (!todo.isEmpty()) {
      String next = todo.removeFirst();
      if (all.add(next)) {
        todo.addAll(descriptor.application(next).orElseThrow().depends());
      }
    }
    return all;
  }

  static ApplicationSpec spec(Application application) {
    Class<?> start =
        CodeServer.currentClass(application.start())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "application "
                            + application.name()
                            + ": its start class "
                            + application.start()
                            + " is in none of its modules"));
    ApplicationCallback callback = CodeServer.newInstance(start, ApplicationCallback.class);
    return new ApplicationSpec(
        application.name(),
        application.version(),
        application.modules().stream().map(ReleaseDescriptor.Module::name).toList(),
        application.depends(),
        callback,
        Map.of());
  }

  // ---- install -----------------------------------------------------------------------------

  /**
   * The script that moves the running release to {@code version}, and the descriptors at both ends.
   */
  record Route(String from, String to, Relup.Script script, ReleaseDescriptor target) {}

  /**
   * {@code route}, unless its script leaves a module on the running release's code though the
   * target release's file of it differs: the node would then say it runs the target release while
   * running old code. Refused before anything changes, naming each such module.
   */
  private Route loadingEveryChange(Route route, String script) throws IOException {
    ReleaseDescriptor running = descriptor(route.from());
    Map<String, Application> before = running.moduleOwners();
    Set<String> loaded = new java.util.HashSet<>(route.script().prepared());
    List<String> left = new ArrayList<>();
    for (Application application : route.target().startOrder()) {
      for (ReleaseDescriptor.Module module : application.modules()) {
        if (loaded.contains(module.name())) {
          continue;
        }
        Application owner = before.get(module.name());
        if (owner == null) {
          left.add(module.name() + " (new in " + route.to() + ")");
          continue;
        }
        ReleaseDescriptor.Module old =
            owner.modules().stream()
                .filter(m -> m.name().equals(module.name()))
                .findFirst()
                .orElseThrow();
        Path now = root.resolve(owner.dir()).resolve(old.path());
        Path next = root.resolve(application.dir()).resolve(module.path());
        if (!now.equals(next)
            && Files.isRegularFile(now)
            && Files.isRegularFile(next)
            && Files.mismatch(now, next) != -1) {
          left.add(module.name());
        }
      }
    }
    if (!left.isEmpty()) {
      throw new IllegalStateException(
          "the "
              + script
              + " "
              + name
              + " "
              + route.to()
              + " from "
              + route.from()
              + " leaves "
              + String.join(", ", left)
              + " on "
              + route.from()
              + "'s code, though "
              + route.to()
              + " has other code for it: the appup must update it (update <module>) or load it"
              + " (load_module <module>, add_module for a new one), or the node would say it runs "
              + route.to()
              + " while running "
              + route.from()
              + "'s code");
    }
    return route;
  }

  private Route path(String version) throws IOException {
    requireKnown(version);
    String from =
        current()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no release is running on this node; boot one first"));
    if (from.equals(version)) {
      throw new IllegalStateException("release " + version + " is already running");
    }
    Relup up = relup(version);
    if (up != null && up.upFrom(from).isPresent()) {
      return loadingEveryChange(
          new Route(from, version, up.upFrom(from).get(), descriptor(version)), "relup of");
    }
    Relup down = relup(from);
    if (down != null && down.downTo(version).isPresent()) {
      return loadingEveryChange(
          new Route(from, version, down.downTo(version).get(), descriptor(version)),
          "down script of");
    }
    throw new IllegalStateException(
        "no relup path from "
            + from
            + " to "
            + version
            + ": releases/"
            + version
            + "/relup has no 'up "
            + from
            + "' and releases/"
            + from
            + "/relup has no 'down "
            + version
            + "'");
  }

  private Relup relup(String version) throws IOException {
    Path file = releaseDir(version).resolve("relup");
    return Files.exists(file) ? Relup.read(file) : null;
  }

  /**
   * A dry run of the install of {@code version} up to its point of no return: finds the relup path,
   * reads, defines and links the new code and builds the migration plans of the state of every
   * process it will touch — then drops it all. Throws what {@link #install} would.
   */
  public synchronized List<String> checkInstall(String version) throws IOException {
    Route path = path(version);
    List<String> modules = path.script().prepared();
    if (!modules.isEmpty()) {
      CodeServer.prepare(sources(path.target(), modules), true);
    }
    return modules;
  }

  List<ModuleSource> sources(ReleaseDescriptor target, List<String> modules) {
    Map<String, Application> owners = target.moduleOwners();
    List<ModuleSource> sources = new ArrayList<>();
    for (String module : modules) {
      Application application = owners.get(module);
      ReleaseDescriptor.Module m =
          application.modules().stream()
              .filter(x -> x.name().equals(module))
              .findFirst()
              .orElseThrow();
      sources.add(source(target, application, m));
    }
    return sources;
  }

  /**
   * Installs {@code version} live through its relup (an upgrade from the running release, or a
   * downgrade through the running release's down script). It becomes current, not permanent (going
   * back to the permanent release, it is simply running again). On a failure before the point of no
   * return everything is put back and {@link InstallException} says so with {@link
   * InstallException#rolledBack()}.
   */
  public synchronized InstallResult install(String version) throws IOException {
    Route path = path(version);
    Progress.phase(
        LOG,
        "installing release "
            + name
            + " "
            + version
            + " (from "
            + path.from()
            + "): "
            + path.script().instructions().size()
            + " steps");
    InstallResult result;
    try {
      result = new Install(this, name, path).run();
    } catch (InstallException e) {
      LOG.warn("{}", e.getMessage());
      throw e;
    }
    LOG.info(
        "installed release {} {} (from {}): {} processes suspended, paused {}, {} in all",
        name,
        version,
        path.from(),
        result.suspended(),
        Progress.millis(result.pause().toNanos()),
        Progress.millis(result.total().toNanos()));
    String stable = stableLayerChange(version);
    if (stable != null) {
      LOG.warn("{}", stable);
      List<String> warnings = new ArrayList<>(result.warnings());
      warnings.add(stable);
      result =
          new InstallResult(
              result.from(),
              result.to(),
              result.suspended(),
              result.pause(),
              result.total(),
              warnings);
    }
    lastInstall = new LastInstall(name, result, java.time.Instant.now());
    return result;
  }

  /**
   * Says so if release {@code version} names a stable layer ({@code releases/<vsn>/stable}) other
   * than the one this node runs (the {@code lib/molt-*} jars of its class path): it takes effect at
   * the next start. Null if they are the same, or either is unknown (a node not started by its
   * launcher, a release built before releases named theirs).
   */
  private String stableLayerChange(String version) {
    Path file = releaseDir(version).resolve("stable");
    if (!Files.isRegularFile(file)) {
      return null;
    }
    String wanted;
    try {
      wanted = Files.readString(file).strip();
    } catch (IOException e) {
      return null;
    }
    Path lib = root.resolve("lib").toAbsolutePath().normalize();
    String running = null;
    for (String entry :
        System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      Path jar = Path.of(entry).toAbsolutePath().normalize();
      if (jar.getParent() != null
          && lib.equals(jar.getParent().getParent())
          && jar.getParent().getFileName().toString().startsWith("molt-")) {
        running = "lib/" + jar.getParent().getFileName();
        break;
      }
    }
    if (running == null || running.equals(wanted)) {
      return null;
    }
    return "release "
        + version
        + " has another stable layer ("
        + wanted
        + ") than the one this node runs ("
        + running
        + "): it takes effect when the node next starts, on the permanent release";
  }

  /** The last install this JVM made: of which release, its result, and when it ended. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1")
  public record LastInstall(String release, InstallResult result, java.time.Instant at) {}

  private static volatile LastInstall lastInstall;

  /**
   * The last install (an upgrade or a downgrade) this node made since it started, for health
   * endpoints and figures; empty before the first.
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1")
  public static Optional<LastInstall> lastInstall() {
    return Optional.ofNullable(lastInstall);
  }

  /**
   * Writes {@code RELEASES} as it must read once {@code version} is installed: called by the
   * install just before its point of no return, so that a write that fails (a full or read-only
   * disk) rolls the install back, and after it memory and disk agree whatever fails. Returns the
   * list before, for {@link #unrecordInstall}.
   */
  List<ReleaseStatus> recordInstall(String version) throws IOException {
    List<ReleaseStatus> before = List.copyOf(releases);
    List<ReleaseStatus> next = new ArrayList<>();
    for (ReleaseStatus release : releases) {
      Status status =
          release.version().equals(version)
              ? (release.status() == Status.PERMANENT ? Status.PERMANENT : Status.CURRENT)
              : release.status() == Status.CURRENT ? Status.UNPACKED : release.status();
      next.add(new ReleaseStatus(release.name(), release.version(), status));
    }
    try {
      ReleasesFile.write(releasesFile, name, next);
    } catch (IOException e) {
      throw new IOException("cannot write " + releasesFile + ": " + e, e);
    }
    releases = new ArrayList<>(next);
    return before;
  }

  /**
   * Puts back the release list of before {@link #recordInstall}, for an install rolled back after
   * it. Memory is put back whatever happens; if the disk cannot be, it says a release is current
   * that is not running, which a restart reads as unpacked (only the permanent release boots).
   */
  void unrecordInstall(List<ReleaseStatus> before) {
    releases = new ArrayList<>(before);
    try {
      ReleasesFile.write(releasesFile, name, before);
    } catch (IOException e) {
      LOG.error(
          "cannot write {} back after a rolled back install ({}); it names the release that was"
              + " rolled back as current until the next write. A restart boots the permanent"
              + " release all the same",
          releasesFile,
          e.toString());
    }
  }

  /**
   * {@code bin/<name> upgrade}: installs {@code version} live and makes it permanent, under one
   * hold of the handler's lock, so that no other operation runs between the two. A failed install
   * changes nothing ({@link InstallException}); the release stays unpacked.
   */
  public synchronized InstallResult upgrade(String version) throws IOException {
    InstallResult result = install(version);
    makePermanent(version);
    return result;
  }

  /**
   * {@code bin/<name> upgrade TARBALL}: unpacks the tarball, then {@link #upgrade(String)} its
   * release.
   */
  public synchronized InstallResult upgrade(Path tarball) throws IOException {
    return upgrade(unpack(tarball));
  }

  /**
   * {@code bin/<name> downgrade}: installs an earlier release live (through the running release's
   * down script) and makes it permanent, as one operation, the same as {@link #upgrade(String)} in
   * the other direction.
   */
  public synchronized InstallResult downgrade(String version) throws IOException {
    return upgrade(version);
  }

  /**
   * Makes the current release {@code version} permanent: the node boots it from now on, the
   * previous permanent release becomes old, and the old code of every module is purged. Processes
   * still on old code (those of a {@code load_module}, idle since the install) are first moved with
   * an explicit code change rather than killed; one whose code change fails keeps its old code,
   * which is then left unpurged with a warning.
   */
  public synchronized void makePermanent(String version) throws IOException {
    ReleaseStatus release = requireKnown(version);
    if (release.status() == Status.PERMANENT) {
      return;
    }
    if (release.status() != Status.CURRENT) {
      throw new IllegalStateException(
          "release "
              + version
              + " is "
              + release.status().name().toLowerCase(Locale.ROOT)
              + "; only the current (installed) release can be made permanent");
    }
    List<String> problems = bootProblems(descriptor(version));
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "release "
              + version
              + " would not boot, so it is not made permanent (it stays current): "
              + String.join("; ", problems));
    }
    List<ReleaseStatus> next = new ArrayList<>();
    for (ReleaseStatus r : releases) {
      Status status =
          r.version().equals(version)
              ? Status.PERMANENT
              : r.status() == Status.PERMANENT ? Status.OLD : r.status();
      next.add(new ReleaseStatus(r.name(), r.version(), status));
    }
    Progress.phase(LOG, "making release " + name + " " + version + " permanent");
    save(name, next);
    bootFailure = null;
    purgeOldCode();
    LOG.info("release {} {} is permanent", name, version);
  }

  private static void purgeOldCode() {
    for (ModuleInfo module : CodeServer.allLoaded()) {
      if (module.status() != ModuleInfo.Status.OLD) {
        continue;
      }
      Upgrade.moveOldProcesses(module.name(), STRAGGLER_SUSPEND, STRAGGLER_CHANGE)
          .forEach(
              (pid, error) ->
                  LOG.warn(
                      "{} stays on old code of {}: {}", pid, module.name(), error.getMessage()));
      try {
        CodeServer.softPurge(module.name());
      } catch (RuntimeException e) {
        LOG.warn("old code of {} kept: {}", module.name(), e.getMessage());
      }
    }
  }

  // ---- state ---------------------------------------------------------------------------------

  private ReleaseStatus requireKnown(String version) {
    return releases.stream()
        .filter(r -> r.version().equals(version))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no release "
                        + version
                        + " on this node (known: "
                        + releases.stream().map(ReleaseStatus::version).sorted().toList()
                        + ")"));
  }

  private void save(String releaseName, List<ReleaseStatus> next) {
    try {
      ReleasesFile.write(releasesFile, releaseName, next);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + releasesFile, e);
    }
    releases = new ArrayList<>(next);
    name = releaseName;
  }
}
