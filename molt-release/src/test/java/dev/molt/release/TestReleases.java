package dev.molt.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Builds real release tarballs for tests: a store application (a GenServer registered under a
 * test's own name, under a supervisor) compiled per version into a jar, with its descriptor, appup,
 * generated relup and sha256 manifest. Each test uses its own names, since the code server and the
 * application controller are one per node.
 */
public final class TestReleases {
  public final String release;
  public final String app;
  public final String pkg;
  public final String registered;
  private final Path work;

  public TestReleases(Path work, String tag) {
    this.work = work;
    this.release = "rel" + tag;
    this.app = "store" + tag;
    this.pkg = "test.rel.store" + tag;
    this.registered = "store" + tag;
  }

  /** Version 1: a map of strings; get/put/version requests as strings. */
  public String v1() {
    return store(
        "v1",
        "public record State(java.util.Map<String, Object> data) {}",
        "new State(new java.util.HashMap<>())",
        "state",
        "");
  }

  /** Version 2: also counts requests; its codeChange sets the count to the number of keys. */
  public String v2() {
    return store(
        "v2",
        "public record State(java.util.Map<String, Object> data, long requests) {}",
        "new State(new java.util.HashMap<>(), 0)",
        "new State(state.data(), state.requests() + 1)",
        """
            public State codeChange(Object oldVsn, Object old, Object extra) throws Exception {
              var data = (java.util.Map<String, Object>) old.getClass().getMethod("data").invoke(old);
              if (data.containsKey("poison")) { throw new IllegalStateException("cannot migrate the poison key"); }
              if (data.containsKey("hang")) { new java.util.concurrent.CountDownLatch(1).await(); }
              if (data.containsKey("spin")) {
                // deaf to interrupts: spins until the test sets the system property
                while (!Boolean.getBoolean("%s.release")) { Thread.onSpinWait(); }
              }
              return new State(data, data.size());
            }
            """
            .formatted(registered));
  }

  private String store(
      String tag, String stateRecord, String init, String next, String codeChange) {
    return """
        package %1$s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        @SuppressWarnings("unchecked")
        public final class Store implements GenServer<Store.State> {
          %2$s
          public Init<State> init(Object arg) { return Init.ok(%3$s); }
          public CallResult<State> handleCall(Object request, From from, State state) throws Exception {
            String[] words = ((String) request).split(" ");
            return switch (words[0]) {
              case "put" -> { state.data().put(words[1], words[2]); yield new Reply<>("ok", %4$s); }
              case "get" -> new Reply<>(state.data().get(words[1]), %4$s);
              case "size" -> new Reply<>(state.data().size(), state);
              case "version" -> new Reply<>("%5$s", state);
              case "hold" -> {
                // blocks until the test counts down the latch it put in the system properties
                var latch = (java.util.concurrent.CountDownLatch) System.getProperties().get("%7$s.hold");
                System.getProperties().put("%7$s.holding", Boolean.TRUE);
                latch.await();
                yield new Reply<>("released", state);
              }
              default -> new Reply<>(state.toString(), state);
            };
          }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
          %6$s
        }
        """
        .formatted(pkg, stateRecord, init, next, tag, codeChange, registered);
  }

  /** The supervisor the application starts, registered under this name. */
  String supervisor() {
    return registered + "_sup";
  }

  private String application(boolean withCache) {
    return """
        package %1$s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        import java.util.List;
        import java.util.Map;
        public final class App implements ApplicationCallback {
          public Pid start(Restart type, Map<String, Object> env) {
            return Supervisor.startLink("%4$s", SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE,
                childSpecs("%4$s").toArray(ChildSpec[]::new)));
          }
          public List<ChildSpec> childSpecs(String supervisor) {
            ChildSpec store = ChildSpec.worker("store", args -> GenServer.startLink("%2$s", new Store(), null)).withModules("%3$s");
            ChildSpec cache = ChildSpec.worker("cache", args -> GenServer.startLink("%2$s_cache", new Store(), null)).withModules("%3$s");
            return %5$s;
          }
        }
        """
        .formatted(
            pkg,
            registered,
            app,
            supervisor(),
            withCache ? "List.of(store, cache)" : "List.of(store)");
  }

  /** Compiles the store module of {@code version} from {@code storeSource} into a jar. */
  public Path jar(String version, String storeSource) throws IOException {
    return jar(version, storeSource, Map.of(), List.of());
  }

  /**
   * As {@link #jar(String, String)}, with more classes ({@code simple name -> source}); the classes
   * in {@code leftOut} are compiled but not put in the jar, to make a link error.
   */
  public Path jar(
      String version, String storeSource, Map<String, String> extraClasses, List<String> leftOut)
      throws IOException {
    return jar(version, storeSource, extraClasses, leftOut, false);
  }

  /** As above; {@code withCache} gives the application a second child, "cache", in its specs. */
  Path jar(
      String version,
      String storeSource,
      Map<String, String> extraClasses,
      List<String> leftOut,
      boolean withCache)
      throws IOException {
    Path src = work.resolve("src-" + version);
    Path classes = work.resolve("classes-" + version);
    Path dir = src.resolve(pkg.replace('.', '/'));
    Files.createDirectories(dir);
    Files.createDirectories(classes);
    Files.writeString(dir.resolve("Store.java"), storeSource);
    Files.writeString(dir.resolve("App.java"), application(withCache));
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path")
                    + java.io.File.pathSeparator
                    + System.getProperty("jdk.module.path", ""),
                "-nowarn",
                dir.resolve("Store.java").toString(),
                dir.resolve("App.java").toString()));
    for (Map.Entry<String, String> extra : extraClasses.entrySet()) {
      Files.writeString(
          dir.resolve(extra.getKey() + ".java"), "package " + pkg + ";\n" + extra.getValue());
      args.add(dir.resolve(extra.getKey() + ".java").toString());
    }
    int rc =
        javax.tools.ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, args.toArray(String[]::new));
    if (rc != 0) {
      throw new IllegalStateException("test module did not compile");
    }
    for (String left : leftOut) {
      try (Stream<Path> paths = Files.walk(classes)) {
        for (Path path :
            paths.filter(p -> p.getFileName().toString().equals(left + ".class")).toList()) {
          Files.delete(path);
        }
      }
    }
    Path jar = ReleasePackager.jar(classes, work.resolve(app + "-" + version + ".jar"));
    return jar;
  }

  String descriptor(String version, String... upgradeFrom) {
    return """
        release %s %s {
          java 25
          application %s %s {
            start %s.App
            module %s %s.jar
          }
        %s}
        """
        .formatted(
            release,
            version,
            app,
            version,
            pkg,
            app,
            app,
            upgradeFrom.length == 0
                ? ""
                : "  upgrade_from " + String.join(" ", upgradeFrom) + "\n");
  }

  /** The appup of {@code version}: update the store with a code change, both ways. */
  public String appup(String version, String from) {
    return appup(version, from, "update " + app + " extra=\"up\" timeout=2s");
  }

  /** An appup whose up instructions are {@code up}. */
  String appup(String version, String from, String up) {
    return appup(version, from, up, "update " + app + " extra=\"down\"");
  }

  /** An appup with these up and down instructions. */
  String appup(String version, String from, String up, String down) {
    return """
        appup %1$s %2$s {
          up %3$s {
            %4$s
          }
          down %3$s {
            %5$s
          }
        }
        """
        .formatted(app, version, from, up, down);
  }

  /** Files of a release tarball, path to content; the manifest is added by {@link #tarball}. */
  Map<String, byte[]> files(String version, Path jar, String descriptor, String appup, String relup)
      throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("bin/" + release, "#!/bin/sh\necho launcher\n".getBytes(StandardCharsets.UTF_8));
    files.put(
        "releases/" + version + "/" + release + ".release",
        descriptor.getBytes(StandardCharsets.UTF_8));
    if (relup != null) {
      files.put("releases/" + version + "/relup", relup.getBytes(StandardCharsets.UTF_8));
    }
    files.put("lib/" + app + "-" + version + "/" + app + ".jar", Files.readAllBytes(jar));
    if (appup != null) {
      files.put(
          "lib/" + app + "-" + version + "/" + app + ".appup",
          appup.getBytes(StandardCharsets.UTF_8));
    }
    return files;
  }

  /** A complete, valid release: 1.0.0 alone, or {@code version} with a relup from {@code from}. */
  public Path release(String version, String from, String storeSource) throws IOException {
    return release(
        version, from, jar(version, storeSource), from == null ? null : appup(version, from));
  }

  /** A release of {@code jar} with {@code appup} (null for none). */
  public Path release(String version, String from, Path jar, String appup) throws IOException {
    String descriptor = from == null ? descriptor(version) : descriptor(version, from);
    String relup = null;
    if (from != null) {
      ReleaseDescriptor target = ReleaseDescriptor.parse("target", descriptor);
      ReleaseDescriptor source = ReleaseDescriptor.parse("source", descriptor(from));
      relup =
          RelupGenerator.generate(target, List.of(source), Map.of(app, Appup.parse("appup", appup)))
              .write();
    }
    return tarball(version, files(version, jar, descriptor, appup, relup), Map.of());
  }

  /**
   * Writes a tar.gz of {@code files} with a manifest of their sha256; {@code manifestOverrides}
   * replace lines.
   */
  Path tarball(String version, Map<String, byte[]> files, Map<String, String> manifestOverrides)
      throws IOException {
    Path target = work.resolve(release + "-" + version + "-" + System.nanoTime() + ".tar.gz");
    if (manifestOverrides.isEmpty()) {
      return ReleasePackager.tarball(target, version, files);
    }
    StringBuilder manifest = new StringBuilder();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      String sha = manifestOverrides.getOrDefault(file.getKey(), sha256(file.getValue()));
      manifest.append(sha).append("  ").append(file.getKey()).append('\n');
    }
    Map<String, byte[]> all = new LinkedHashMap<>(files);
    all.put(
        "releases/" + version + "/" + Unpacker.MANIFEST,
        manifest.toString().getBytes(StandardCharsets.UTF_8));
    return write(target, all, List.of());
  }

  /** A raw tarball: files, then extra entries (links and the like) made by the caller. */
  static Path write(Path target, Map<String, byte[]> files, List<TarArchiveEntry> extra)
      throws IOException {
    return ReleasePackager.writeTar(target, files, extra);
  }

  static String sha256(byte[] bytes) {
    return ReleasePackager.sha256(bytes);
  }

  static List<String> tree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return new ArrayList<>(
          paths
              .filter(p -> !p.toString().contains("/tmp/"))
              .map(p -> root.relativize(p).toString())
              .sorted()
              .toList());
    }
  }
}
