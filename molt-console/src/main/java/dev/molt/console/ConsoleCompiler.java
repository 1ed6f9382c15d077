package dev.molt.console;

import dev.molt.code.CodeServer;
import dev.molt.code.ModuleInfo;
import dev.molt.internal.compiler.SourceCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;

/**
 * The console's {@code c}: which module source files belong to, and compiling them against its
 * current classes.
 */
final class ConsoleCompiler {
  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  private ConsoleCompiler() {}

  /**
   * The one loaded module the files belong to: the module that defines the class a file declares
   * (its package and file name), or for a new class the module with classes in its package.
   */
  static String moduleOf(List<Path> files) throws IOException {
    String module = null;
    for (Path file : files) {
      String source = Files.readString(file, StandardCharsets.UTF_8);
      Matcher pkg = PACKAGE.matcher(source);
      String prefix = pkg.find() ? pkg.group(1) + "." : "";
      String className = prefix + file.getFileName().toString().replaceFirst("\\.java$", "");
      String found = null;
      for (ModuleInfo info : CodeServer.allLoaded()) {
        if (info.status() != ModuleInfo.Status.CURRENT) {
          continue;
        }
        if (info.classes().contains(className)) {
          found = info.name();
          break;
        }
        if (found == null
            && info.classes().stream()
                .anyMatch(c -> c.startsWith(prefix) && c.indexOf('.', prefix.length()) < 0)) {
          found = info.name();
        }
      }
      if (found == null) {
        throw new ConsoleSession.ConsoleError(
            "c: "
                + file
                + " declares "
                + className
                + ", which no loaded module has "
                + "(nor any class of its package)");
      }
      if (module != null && !module.equals(found)) {
        throw new ConsoleSession.ConsoleError(
            "c: the files belong to two modules, "
                + module
                + " and "
                + found
                + "; compile one module at a time");
      }
      module = found;
    }
    return module;
  }

  /**
   * Compiles {@code files} into {@code out} against the current classes of every module and the
   * node's class path; {@code out} gets the module's current classes, with those compiled in their
   * place, so the classes not compiled stay as they are. Errors come as {@code file:line:col:
   * message}, the source line and a caret, and nothing is written.
   */
  static void compile(String module, List<Path> files, Path out) throws IOException {
    List<Map<String, byte[]>> against = new ArrayList<>();
    for (ModuleInfo loaded : CodeServer.allLoaded()) {
      if (loaded.status() == ModuleInfo.Status.CURRENT) {
        against.add(CodeServer.classFiles(loaded.name()));
      }
    }
    Map<String, byte[]> compiled;
    try {
      compiled = SourceCompiler.compile(files, against);
    } catch (SourceCompiler.CompileError e) {
      throw new ConsoleSession.ConsoleError(
          e.getMessage() + "\nnothing was loaded; " + module + " runs as before");
    }
    Map<String, byte[]> classes = new TreeMap<>(CodeServer.classFiles(module));
    classes.putAll(compiled);
    writeClassFiles(classes, out);
  }

  /**
   * The Java files under the source roots a module's jar recorded when it was built ({@code
   * Molt-Sources} in its manifest); none for a jar that records none. Fails clearly when the roots
   * are not on this machine.
   */
  static List<Path> recordedSources(dev.molt.code.ModuleSource source) throws IOException {
    if (source.kind() != dev.molt.code.ModuleSource.Kind.JAR) {
      return List.of();
    }
    String recorded;
    try (java.util.jar.JarFile jar =
        new java.util.jar.JarFile(source.paths().getFirst().toFile())) {
      java.util.jar.Manifest manifest = jar.getManifest();
      recorded =
          manifest == null
              ? null
              : manifest
                  .getMainAttributes()
                  .getValue(dev.molt.release.ReleasePackager.SOURCES_ATTRIBUTE);
    }
    if (recorded == null || recorded.isBlank()) {
      return List.of();
    }
    List<Path> files = new ArrayList<>();
    for (String root : recorded.split(java.io.File.pathSeparator, -1)) {
      if (root.isBlank()) {
        continue;
      }
      Path path = Path.of(root);
      if (!Files.exists(path)) {
        throw new ConsoleSession.ConsoleError(
            "r: "
                + source.name()
                + " was built from sources in "
                + path
                + ", which is not on this machine");
      }
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p))
            .sorted()
            .forEach(files::add);
      }
    }
    return files;
  }

  /**
   * Writes the current class files of {@code modules} under {@code dir}, replacing what was there.
   */
  static void writeClassFiles(Collection<String> modules, Path dir) throws IOException {
    Map<String, byte[]> classes = new TreeMap<>();
    for (String module : modules) {
      classes.putAll(CodeServer.classFiles(module));
    }
    writeClassFiles(classes, dir);
  }

  private static void writeClassFiles(Map<String, byte[]> classes, Path dir) throws IOException {
    deleteTree(dir);
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
      Path file = dir.resolve(entry.getKey().replace('.', '/') + ".class");
      Files.createDirectories(file.getParent());
      Files.write(file, entry.getValue());
    }
  }

  /**
   * Deletes {@code dir} and everything under it, without following links; nothing there is fine.
   */
  static void deleteTree(Path dir) {
    try {
      FileUtils.deleteDirectory(dir.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
