package dev.molt.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Sources;
import dev.molt.behaviour.GenServer;
import dev.molt.sys.Sys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeServerTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir Path dir;

  /** A fresh module name and package per test: the code server is one per node. */
  private final String module = "mod" + NAMES.incrementAndGet();

  private final String pkg = "test.mods." + module;

  private ModuleSource server(String version, String stateRecord, String init, String reply)
      throws IOException {
    Path src = dir.resolve("src-" + version);
    return ModuleSource.sources(
        module,
        Sources.write(src, Map.of(pkg + ".Server", Sources.server(pkg, stateRecord, init, reply))));
  }

  private ModuleSource v(int n) throws IOException {
    return server("v" + n, "record State(int n) {}", "new State(0)", "\"v" + n + "\"");
  }

  @SuppressWarnings("unchecked")
  private Pid start() {
    return GenServer.start(
        CodeServer.newInstance(
            CodeServer.currentClass(pkg + ".Server").orElseThrow(), GenServer.class),
        null);
  }

  @Test
  void loadDefinesTheModuleInAClassLoaderOfItsOwn() throws IOException {
    LoadResult result = CodeServer.load(v(1));
    ModuleInfo info = result.loaded().getFirst();
    assertThat(info.name()).isEqualTo(module);
    assertThat(info.classes()).contains(pkg + ".Server", pkg + ".Server$State");
    assertThat(CodeServer.isLoaded(module)).isTrue();
    assertThat(CodeServer.which(module)).contains(info);
    Class<?> server = CodeServer.currentClass(pkg + ".Server").orElseThrow();
    assertThat(server.getClassLoader().toString()).contains(module + " v" + info.version());
    Pid pid = start();
    assertThat(GenServer.call(pid, "which")).isEqualTo("v1");
    assertThat(CodeServer.processes(module)).containsExactly(pid);
  }

  /** A newcomer read "held by 0 processes; purge it or wait" and waited: nothing would change. */
  @Test
  void oldCodeThatNoProcessRunsIsRefusedWithThePurgeThatFreesIt() throws IOException {
    CodeServer.load(v(1));
    CodeServer.load(v(2));
    assertThatThrownBy(() -> CodeServer.load(v(3)))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.NOT_PURGED))
        .hasMessageEndingWith("is still old code, run by no process; purge it (softPurge) first");
    assertThat(CodeServer.softPurge(module)).isTrue();
    assertThat(CodeServer.load(v(3)).loaded().getFirst().version()).isEqualTo(3);
  }

  @Test
  void aThirdVersionNeedsAPurgeAndAPurgeKillsWhatRunsTheOldCode() throws IOException {
    CodeServer.load(v(1));
    Pid pid = start();
    CodeServer.load(v(2));
    assertThat(CodeServer.oldProcesses(module)).containsExactly(pid);
    int before = CodeServer.allLoaded().size();
    assertThatThrownBy(() -> CodeServer.load(v(3)))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.NOT_PURGED))
        .hasMessageContaining("still old code held by 1 process; purge it or wait");
    assertThat(CodeServer.allLoaded()).hasSize(before);
    assertThatThrownBy(() -> CodeServer.softPurge(module))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.IN_USE));
    assertThat(CodeServer.purge(module)).isTrue();
    assertThat(pid.isAlive()).isFalse();
    assertThat(Process.exitReason(pid)).contains(ExitReason.killed());
    assertThat(CodeServer.purge(module)).isFalse();
    CodeServer.load(v(3));
  }

  @Test
  void loadPurgingReplacesOldCodeInOneStep() throws IOException {
    CodeServer.load(v(1));
    CodeServer.load(v(2));
    CodeServer.loadPurging(v(3));
    assertThat(CodeServer.allLoaded().stream().filter(m -> m.name().equals(module)))
        .extracting(ModuleInfo::status)
        .containsExactly(ModuleInfo.Status.CURRENT, ModuleInfo.Status.OLD);
  }

  @Test
  void deleteMakesCurrentCodeOld() throws IOException {
    CodeServer.load(v(1));
    CodeServer.delete(module);
    assertThat(CodeServer.isLoaded(module)).isFalse();
    assertThat(CodeServer.which(module)).isEmpty();
    assertThat(CodeServer.purge(module)).isTrue();
  }

  @Test
  void aMissingJarIsAClearErrorAndChangesNothing() {
    int before = CodeServer.allLoaded().size();
    assertThatThrownBy(() -> CodeServer.load(ModuleSource.jar(module, dir.resolve("missing.jar"))))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.NOT_FOUND))
        .hasMessageContaining("missing.jar does not exist");
    assertThat(CodeServer.allLoaded()).hasSize(before);
    assertThat(CodeServer.isLoaded(module)).isFalse();
  }

  @Test
  void aJarAndADirectoryLoadAlike() throws IOException {
    Path classes =
        Sources.classes(
            dir.resolve("src"),
            dir.resolve("classes"),
            Map.of(
                pkg + ".Server",
                Sources.server(pkg, "record State(int n) {}", "new State(0)", "\"from jar\"")));
    CodeServer.load(ModuleSource.jar(module, Sources.jar(classes, dir.resolve("m.jar"))));
    assertThat(GenServer.call(start(), "x")).isEqualTo("from jar");
    CodeServer.loadPurging(ModuleSource.directory(module, classes));
    assertThat(CodeServer.which(module).orElseThrow().origin()).isEqualTo(classes.toString());
  }

  @Test
  void aCorruptJarOrClassFileIsRefused() throws IOException {
    Path jar = Files.write(dir.resolve("corrupt.jar"), new byte[] {1, 2, 3, 4});
    assertThatThrownBy(() -> CodeServer.load(ModuleSource.jar(module, jar)))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.BAD_CLASS))
        .hasMessageContaining("not a readable jar");
    Path classes = Files.createDirectories(dir.resolve("bad/" + pkg.replace('.', '/')));
    Files.write(classes.resolve("Broken.class"), new byte[] {(byte) 0xCA, (byte) 0xFE, 0, 1, 2});
    assertThatThrownBy(() -> CodeServer.load(ModuleSource.directory(module, dir.resolve("bad"))))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.BAD_CLASS))
        .hasMessageContaining(pkg + ".Broken cannot be defined");
    assertThat(CodeServer.isLoaded(module)).isFalse();
  }

  @Test
  void aClassWhoseDependencyIsMissingIsRefusedAtPrepare() throws IOException {
    Path classes =
        Sources.classes(
            dir.resolve("src"),
            dir.resolve("classes"),
            Map.of(
                pkg + ".Uses",
                    "package "
                        + pkg
                        + "; public class Uses { Helper helper() { return new Helper(); } }",
                pkg + ".Helper", "package " + pkg + "; public class Helper {}"));
    Files.delete(classes.resolve(pkg.replace('.', '/') + "/Helper.class"));
    assertThatThrownBy(
            () ->
                CodeServer.prepare(
                    java.util.List.of(ModuleSource.directory(module, classes)), false))
        .isInstanceOfSatisfying(
            CodeException.class,
            e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.MISSING_DEPENDENCY))
        .hasMessageContaining(pkg + ".Uses needs " + pkg + ".Helper");
    assertThat(CodeServer.isLoaded(module)).isFalse();
  }

  @Test
  void aClassDefinedByAnotherModuleIsAConflict() throws IOException {
    CodeServer.load(v(1));
    ModuleSource other =
        new ModuleSource(
            module + "x", ModuleSource.Kind.SOURCES, v(2).paths(), java.util.List.of());
    assertThatThrownBy(() -> CodeServer.load(other))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.CONFLICT))
        .hasMessageContaining("which module " + module + " already defines");
    assertThat(CodeServer.isLoaded(module + "x")).isFalse();
  }

  @Test
  void theRuntimeIsSticky() throws IOException {
    Path src = dir.resolve("sticky");
    ModuleSource sticky =
        ModuleSource.sources(
            module,
            Sources.write(
                src, Map.of("dev.molt.Process2", "package dev.molt; public class Process2 {}")));
    assertThatThrownBy(() -> CodeServer.load(sticky))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.STICKY))
        .hasMessageContaining("a class of the Molt runtime");
    CodeServer.stable("test.stable.");
    ModuleSource stable =
        ModuleSource.sources(
            module,
            Sources.write(
                dir.resolve("stable"),
                Map.of("test.stable.Lib", "package test.stable; public class Lib {}")));
    assertThatThrownBy(() -> CodeServer.load(stable))
        .hasMessageContaining("stable layer (test.stable.*)");
  }

  @Test // issue 12: a module cannot define a class of a library of the stable layer, nor extend it
  void aModuleCannotShadowNorSplitALibraryOfTheStableLayer() throws Exception {
    Map<String, String> hostile =
        Map.of(
            "org.slf4j.LoggerFactory",
            "package org.slf4j; public final class LoggerFactory { public static String hacked() { return \"hacked\"; } }",
            "org.slf4j.Helper",
            "package org.slf4j; public final class Helper {}",
            "dev.molt.code.CodeServer",
            "package dev.molt.code; public final class CodeServer {}");
    for (Map.Entry<String, String> one : hostile.entrySet()) {
      ModuleSource source =
          ModuleSource.sources(
              "shadow" + Math.abs(one.getKey().hashCode()),
              Sources.write(dir.resolve(one.getKey()), Map.of(one.getKey(), one.getValue())));
      assertThatThrownBy(() -> CodeServer.load(source))
          .as(one.getKey())
          .isInstanceOfSatisfying(
              CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.STICKY))
          .hasMessageContaining("defines " + one.getKey());
      assertThat(CodeServer.isLoaded(source.name())).isFalse();
    }
    assertThat(org.slf4j.LoggerFactory.getLogger("x")).as("the real one still runs").isNotNull();
  }

  @Test
  void unknownModulesAreErrors() {
    assertThatThrownBy(() -> CodeServer.purge("no-such-module"))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.NOT_FOUND))
        .hasMessageContaining("no-such-module is not loaded");
    assertThatThrownBy(() -> CodeServer.delete("no-such-module")).isInstanceOf(CodeException.class);
    assertThatThrownBy(() -> CodeServer.oldProcesses("no-such-module"))
        .isInstanceOf(CodeException.class);
  }

  @Test
  void compileErrorsNameFileLineAndColumnAndLoadNothing() throws IOException {
    Path[] files =
        Sources.write(
            dir.resolve("broken"),
            Map.of(
                pkg + ".Bad",
                "package " + pkg + ";\npublic class Bad {\n  int x = \"not an int\";\n}\n"));
    assertThatThrownBy(() -> CodeServer.load(ModuleSource.sources(module, files)))
        .isInstanceOfSatisfying(
            CodeException.class,
            e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.COMPILE_ERROR))
        .hasMessageContaining("Bad.java:3:11")
        .hasMessageContaining("int x = \"not an int\";");
    assertThat(CodeServer.isLoaded(module)).isFalse();
  }

  @Test
  void dependentsAreRelinkedInTheSameFinish() throws IOException {
    String lib = module + "lib";
    String libPkg = pkg + "lib";
    ModuleSource libV1 =
        ModuleSource.sources(
            lib,
            Sources.write(
                dir.resolve("lib1"),
                Map.of(
                    libPkg + ".Greeting",
                    "package "
                        + libPkg
                        + "; public class Greeting { public static String text() { return \"hello\"; } }")));
    CodeServer.load(libV1);
    Path[] appFiles =
        Sources.write(
            dir.resolve("app"),
            Map.of(
                pkg + ".Server",
                Sources.server(
                    pkg, "record State(int n) {}", "new State(0)", libPkg + ".Greeting.text()")));
    CodeServer.load(ModuleSource.sources(module, appFiles).dependingOn(lib));
    Pid pid = start();
    assertThat(GenServer.call(pid, "x")).isEqualTo("hello");

    ModuleSource libV2 =
        ModuleSource.sources(
            lib,
            Sources.write(
                dir.resolve("lib2"),
                Map.of(
                    libPkg + ".Greeting",
                    "package "
                        + libPkg
                        + "; public class Greeting { public static String text() { return \"bonjour\"; } }")));
    LoadResult result = CodeServer.load(libV2);
    assertThat(result.relinked()).extracting(ModuleInfo::name).containsExactly(module);
    assertThat(result.relinked().getFirst().relinkOf()).isPositive();
    assertThat(GenServer.call(pid, "x")).isEqualTo("bonjour");
    assertThat(CodeServer.oldProcesses(module)).isEmpty();
  }

  @Test
  void modifiedListsModulesChangedOnDisk() throws IOException {
    Path classes =
        Sources.classes(
            dir.resolve("src"),
            dir.resolve("classes"),
            Map.of(
                pkg + ".Server",
                Sources.server(pkg, "record State(int n) {}", "new State(0)", "\"x\"")));
    CodeServer.load(ModuleSource.directory(module, classes));
    assertThat(CodeServer.modified()).doesNotContain(module);
    Path file = classes.resolve(pkg.replace('.', '/') + "/Server.class");
    Files.write(file, Files.readAllBytes(file), java.nio.file.StandardOpenOption.APPEND);
    assertThat(CodeServer.modified()).contains(module);
  }

  @Test
  void aNewComponentWithoutADefaultIsRefusedBeforeAnythingSwitches() throws IOException {
    CodeServer.load(v(1));
    Pid pid = start();
    ModuleSource noDefault =
        server("v2", "record State(int n, String added) {}", "new State(0, \"\")", "\"v2\"");
    assertThatThrownBy(() -> CodeServer.load(noDefault))
        .isInstanceOf(CodeException.class)
        .hasMessageContaining("gains component added, which has no @Default");
    assertThat(GenServer.call(pid, "x")).isEqualTo("v1");
    ModuleSource withDefault =
        server(
            "v3",
            "record State(int n, @Default(\"none\") String added) {}",
            "new State(0, \"\")",
            "state.added()");
    CodeServer.load(withDefault);
    assertThat(GenServer.call(pid, "x")).isEqualTo("none");
  }

  @Test
  void changeCodeToADeletedModuleIsRefusedAndTheProcessKeepsServing() throws IOException {
    CodeServer.load(v(1));
    Pid pid = start();
    CodeServer.delete(module);
    Sys.suspend(pid);
    assertThatThrownBy(() -> Sys.changeCode(pid, module, 1, null))
        .isInstanceOfSatisfying(
            CodeException.class, e -> assertThat(e.kind()).isEqualTo(CodeException.Kind.NOT_FOUND))
        .hasMessageContaining("has no current code");
    Sys.resume(pid);
    assertThat(GenServer.call(pid, "x")).isEqualTo("v1");
    CodeServer.purge(module);
    assertThat(pid.isAlive()).isFalse();
  }

  @Test
  void prepareChangesNothingUntilFinish() throws IOException {
    CodeServer.load(v(1));
    Pid pid = start();
    Prepared prepared = CodeServer.prepare(java.util.List.of(v(2)), false);
    assertThat(GenServer.call(pid, "x")).isEqualTo("v1");
    assertThat(CodeServer.allLoaded().stream().filter(m -> m.name().equals(module))).hasSize(1);
    CodeServer.finish(prepared);
    assertThat(GenServer.call(pid, "x")).isEqualTo("v2");
    assertThatThrownBy(() -> CodeServer.finish(prepared)).hasMessageContaining("prepare it again");
  }
}
