package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release carries its application's libraries as modules ({@code library=<version>}): the
 * application's code links to them, and a release that changes only a library's version upgrades
 * live, the running server answering with the new library's code.
 */
class LibraryReleaseTest {
  private static final AtomicInteger TAGS = new AtomicInteger();

  @TempDir Path work;

  private final String tag = "libs" + TAGS.incrementAndGet();
  private final String pkg = "test." + tag;
  private final String lib = "test.textlib" + tag.substring(4);

  /** The library's module: one name per test, since the code server is the JVM's. */
  private final String libModule = "textlib" + tag.substring(4);

  @Test
  void aReleaseWhoseLibraryChangesVersionUpgradesLiveAndItsCodeUsesTheNewLibrary()
      throws Exception {
    Path library1 = compile("textlib-1", Map.of(lib + ".Greeting", greeting("hello 1")), List.of());
    Path library2 = compile("textlib-2", Map.of(lib + ".Greeting", greeting("hello 2")), List.of());
    Path app =
        compile("app", Map.of(pkg + ".App", app(), pkg + ".Store", store()), List.of(library1));
    ReleaseHandler handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(release("1.0.0", null, app, "textlib-1.0.jar", "1.0", library1));
    handler.boot();
    assertThat(GenServer.call(tag, "greet")).isEqualTo("hello 1");
    assertThat(handler.descriptor("1.0.0").application(tag).orElseThrow().modules())
        .contains(new ReleaseDescriptor.Module(libModule, "textlib-1.0.jar", "1.0"));

    InstallResult result =
        handler.upgrade(release("1.1.0", "1.0.0", app, "textlib-2.0.jar", "2.0", library2));

    assertThat(result.to()).isEqualTo("1.1.0");
    assertThat(GenServer.call(tag, "greet"))
        .as("the running server's code, relinked to the library's new version")
        .isEqualTo("hello 2");
    assertThat(Process.whereis(tag)).isPresent();
  }

  @Test
  void anUpgradeOfTheCodeAndItsLibraryTogetherLinksTheNewCodeToTheNewLibrary() throws Exception {
    Path library1 = compile("textlib-1", Map.of(lib + ".Greeting", greeting("hello 1")), List.of());
    Path library2 = compile("textlib-2", Map.of(lib + ".Greeting", greeting("hello 2")), List.of());
    Path app1 =
        compile("app-1", Map.of(pkg + ".App", app(), pkg + ".Store", store("")), List.of(library1));
    Path app2 =
        compile(
            "app-2", Map.of(pkg + ".App", app(), pkg + ".Store", store("v2 ")), List.of(library2));
    ReleaseHandler handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(release("1.0.0", null, app1, "textlib-1.0.jar", "1.0", library1));
    handler.boot();
    assertThat(GenServer.call(tag, "greet")).isEqualTo("hello 1");

    // the appup names the application's code first: the library must still be prepared before it
    handler.upgrade(
        release(
            "1.1.0",
            "1.0.0",
            app2,
            "textlib-2.0.jar",
            "2.0",
            library2,
            "update " + tag + "\n load_module " + libModule));

    assertThat(GenServer.call(tag, "greet")).isEqualTo("v2 hello 2");
  }

  @Test
  void aLibrarysMutableStaticsNeverRefuseItsUpgradeEvenInStrictMode() throws Exception {
    // molt-release's tests run with -Dmolt.migration.strict=true, where an application class with
    // a mutable static refuses the load; a library's statics are not the user's to carry
    assertThat(Boolean.getBoolean("molt.migration.strict")).isTrue();
    String cached =
        """
        public final class Greeting {
          static final java.util.Map<String, String> CACHE = new java.util.HashMap<>();
          public static String text() { return CACHE.computeIfAbsent("k", k -> "%s"); }
        }
        """;
    Path library1 =
        compile("textlib-1", Map.of(lib + ".Greeting", cached.formatted("hi 1")), List.of());
    Path library2 =
        compile("textlib-2", Map.of(lib + ".Greeting", cached.formatted("hi 2")), List.of());
    Path app =
        compile("app", Map.of(pkg + ".App", app(), pkg + ".Store", store()), List.of(library1));
    ReleaseHandler handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(release("1.0.0", null, app, "textlib-1.0.jar", "1.0", library1));
    handler.boot();
    assertThat(GenServer.call(tag, "greet")).isEqualTo("hi 1");
    handler.upgrade(release("1.1.0", "1.0.0", app, "textlib-2.0.jar", "2.0", library2));
    assertThat(GenServer.call(tag, "greet")).isEqualTo("hi 2");
  }

  @Test
  void aLibraryThatStartsAThreadLeaksAndTheLeakCheckSaysItBelongsInTheStableLayer()
      throws Exception {
    String ticker =
        """
        public final class Greeting {
          static {
            Thread ticker = new Thread(() -> {
              while (true) {
                try { Thread.sleep(20); } catch (InterruptedException e) { return; }
              }
            }, "%s-ticker");
            ticker.setDaemon(true);
            ticker.start();
          }
          public static String text() { return "hello 1"; }
        }
        """
            .formatted(tag);
    Path library1 = compile("textlib-1", Map.of(lib + ".Greeting", ticker), List.of());
    Path library2 = compile("textlib-2", Map.of(lib + ".Greeting", greeting("hello 2")), List.of());
    Path app =
        compile("app", Map.of(pkg + ".App", app(), pkg + ".Store", store()), List.of(library1));
    ReleaseHandler handler = ReleaseHandler.open(work.resolve("root"));
    handler.unpack(release("1.0.0", null, app, "textlib-1.0.jar", "1.0", library1));
    handler.boot();
    assertThat(GenServer.call(tag, "greet")).isEqualTo("hello 1");
    handler.upgrade(release("1.1.0", "1.0.0", app, "textlib-2.0.jar", "2.0", library2));
    assertThat(GenServer.call(tag, "greet")).isEqualTo("hello 2");
    try {
      assertThat(handler.leaks())
          .filteredOn(leak -> leak.module().equals(libModule))
          .singleElement()
          .satisfies(
              leak ->
                  assertThat(leak.holders())
                      .anySatisfy(
                          h -> assertThat(h).startsWith("thread '" + tag + "-ticker' runs code"))
                      .anySatisfy(
                          h ->
                              assertThat(h)
                                  .isEqualTo(
                                      libModule
                                          + " is a library of the release: one that starts threads"
                                          + " or keeps global state belongs in the stable layer;"
                                          + " make it a dependency of molt-maven-plugin instead of"
                                          + " the project")));
    } finally {
      Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().equals(tag + "-ticker"))
          .forEach(Thread::interrupt);
    }
  }

  private static String greeting(String text) {
    return "public final class Greeting { public static String text() { return \"%s\"; } }"
        .formatted(text);
  }

  private String app() {
    return """
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import java.util.Map;
        public final class App implements ApplicationCallback {
          public Pid start(Restart type, Map<String, Object> env) {
            return Supervisor.startLink("%1$s_sup", SupervisorSpec.of(RestartStrategy.ONE_FOR_ONE,
                ChildSpec.worker("store", args -> GenServer.startLink("%1$s", new Store(), null)).withModules("%1$s")));
          }
        }
        """
        .formatted(tag);
  }

  private String store() {
    return store("");
  }

  private String store(String prefix) {
    return """
        import dev.molt.behaviour.*;
        public final class Store implements GenServer<String> {
          public Init<String> init(Object arg) { return Init.ok("state"); }
          public CallResult<String> handleCall(Object request, From from, String state) {
            return new Reply<>("%s" + %s.Greeting.text(), state);
          }
          public CastResult<String> handleCast(Object request, String state) { return new NoReply<>(state); }
        }
        """
        .formatted(prefix, lib);
  }

  /** Compiles {@code classes} (name to body, package added) into a jar, against {@code uses}. */
  private Path compile(String name, Map<String, String> classes, List<Path> uses)
      throws IOException {
    Path src = work.resolve("src-" + name);
    Path out = work.resolve("classes-" + name);
    Files.createDirectories(out);
    List<String> args = new ArrayList<>();
    String classPath =
        System.getProperty("java.class.path")
            + java.io.File.pathSeparator
            + System.getProperty("jdk.module.path", "");
    for (Path use : uses) {
      classPath += java.io.File.pathSeparator + use;
    }
    args.addAll(List.of("-d", out.toString(), "-cp", classPath, "-nowarn"));
    for (Map.Entry<String, String> c : classes.entrySet()) {
      String qualified = c.getKey();
      String pkgName = qualified.substring(0, qualified.lastIndexOf('.'));
      Path file = src.resolve(qualified.replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "package " + pkgName + ";\n" + c.getValue());
      args.add(file.toString());
    }
    int rc =
        javax.tools.ToolProvider.getSystemJavaCompiler()
            .run(null, null, null, args.toArray(String[]::new));
    assertThat(rc).as("compiled " + name).isZero();
    return ReleasePackager.jar(out, work.resolve(name + ".jar"));
  }

  private Path release(
      String version, String from, Path app, String libraryJar, String libraryVersion, Path library)
      throws IOException {
    return release(
        version, from, app, libraryJar, libraryVersion, library, "load_module " + libModule);
  }

  private Path release(
      String version,
      String from,
      Path app,
      String libraryJar,
      String libraryVersion,
      Path library,
      String up)
      throws IOException {
    String descriptor =
        """
        release %1$s %2$s {
          java 25
          application %1$s %2$s {
            start %3$s.App
            module %1$s %1$s.jar
            module %7$s %4$s library=%5$s
          }
        %6$s}
        """
            .formatted(
                tag,
                version,
                pkg,
                libraryJar,
                libraryVersion,
                from == null ? "" : "  upgrade_from " + from + "\n",
                libModule);
    Map<String, byte[]> files = new LinkedHashMap<>();
    String dir = "lib/" + tag + "-" + version + "/";
    files.put("bin/" + tag, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
    files.put(
        "releases/" + version + "/" + tag + ".release",
        descriptor.getBytes(StandardCharsets.UTF_8));
    files.put(dir + tag + ".jar", Files.readAllBytes(app));
    files.put(dir + libraryJar, Files.readAllBytes(library));
    if (from != null) {
      String appup =
          """
          appup %1$s %2$s {
            up %3$s {
              %4$s
            }
            down %3$s {
              %4$s
            }
          }
          """
              .formatted(tag, version, from, up);
      files.put(dir + tag + ".appup", appup.getBytes(StandardCharsets.UTF_8));
      ReleaseDescriptor target = ReleaseDescriptor.parse("target", descriptor);
      ReleaseDescriptor source =
          ReleaseDescriptor.parse(
              "source",
              descriptor
                  .replace(version, from)
                  .replace(libraryJar, "textlib-1.0.jar")
                  .replace("library=" + libraryVersion, "library=1.0")
                  .replace("  upgrade_from " + from + "\n", ""));
      files.put(
          "releases/" + version + "/relup",
          RelupGenerator.generate(target, List.of(source), Map.of(tag, Appup.parse("appup", appup)))
              .write()
              .getBytes(StandardCharsets.UTF_8));
    }
    return ReleasePackager.tarball(work.resolve(tag + "-" + version + ".tar.gz"), version, files);
  }
}
