package dev.molt.console;

import dev.molt.code.CodeServer;
import dev.molt.code.ModuleInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** The console's {@code c}: which module source files belong to, and compiling them against its current classes. */
final class ConsoleCompiler {
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

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
        if (found == null && info.classes().stream().anyMatch(c -> c.startsWith(prefix) && c.indexOf('.', prefix.length()) < 0)) {
          found = info.name();
        }
      }
      if (found == null) {
        throw new ConsoleSession.ConsoleError("c: " + file + " declares " + className + ", which no loaded module has "
            + "(nor any class of its package)");
      }
      if (module != null && !module.equals(found)) {
        throw new ConsoleSession.ConsoleError("c: the files belong to two modules, " + module + " and " + found
            + "; compile one module at a time");
      }
      module = found;
    }
    return module;
  }

  /**
   * Compiles {@code files} into {@code out} against the current classes of every module and the
   * node's class path; {@code out} starts as a copy of the module's current classes, so the
   * classes not compiled stay as they are. Errors come as {@code file:line:col: message}, the
   * source line and a caret, and nothing is written.
   */
  static void compile(String module, List<Path> files, Path out) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new ConsoleSession.ConsoleError("c: this node runs on a JRE without javac; it needs a JDK");
    }
    Path against = out.resolveSibling(out.getFileName() + "-classpath");
    writeClassFiles(CodeServer.allLoaded().stream().filter(m -> m.status() == ModuleInfo.Status.CURRENT)
        .map(ModuleInfo::name).toList(), against);
    Path compiled = out.resolveSibling(out.getFileName() + "-out");
    Files.createDirectories(compiled);
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager manager = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      String classpath = against + java.io.File.pathSeparator + System.getProperty("java.class.path", "");
      List<String> options = List.of("-d", compiled.toString(), "-cp", classpath, "-proc:none", "-parameters");
      boolean ok = javac.getTask(null, manager, diagnostics, options, null, manager.getJavaFileObjectsFromPaths(files)).call();
      if (!ok) {
        deleteTree(compiled);
        deleteTree(against);
        throw new ConsoleSession.ConsoleError(describe(diagnostics) + "\nnothing was loaded; " + module + " runs as before");
      }
    }
    writeClassFiles(List.of(module), out);
    try (Stream<Path> walk = Files.walk(compiled)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        Path target = out.resolve(compiled.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    deleteTree(compiled);
    deleteTree(against);
  }

  private static String describe(DiagnosticCollector<JavaFileObject> diagnostics) {
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      String file = d.getSource() == null ? "?" : Path.of(d.getSource().toUri()).toString();
      StringBuilder text = new StringBuilder(file + ":" + d.getLineNumber() + ":" + d.getColumnNumber() + ": "
          + d.getMessage(Locale.ROOT));
      if (d.getSource() != null && d.getLineNumber() > 0) {
        try {
          String line = d.getSource().getCharContent(true).toString().lines().skip(d.getLineNumber() - 1).findFirst().orElse("");
          text.append('\n').append(line).append('\n').append(" ".repeat((int) Math.max(0, d.getColumnNumber() - 1))).append('^');
        } catch (IOException e) {
          // the message alone then
        }
      }
      errors.add(text.toString());
    }
    return String.join("\n", errors);
  }

  /**
   * The Java files under the source roots a module's jar recorded when it was built
   * ({@code Molt-Sources} in its manifest); none for a jar that records none. Fails clearly
   * when the roots are not on this machine.
   */
  static List<Path> recordedSources(dev.molt.code.ModuleSource source) throws IOException {
    if (source.kind() != dev.molt.code.ModuleSource.Kind.JAR) {
      return List.of();
    }
    String recorded;
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(source.paths().getFirst().toFile())) {
      java.util.jar.Manifest manifest = jar.getManifest();
      recorded = manifest == null ? null : manifest.getMainAttributes().getValue(dev.molt.release.ReleasePackager.SOURCES_ATTRIBUTE);
    }
    if (recorded == null || recorded.isBlank()) {
      return List.of();
    }
    List<Path> files = new ArrayList<>();
    for (String root : recorded.split(java.io.File.pathSeparator)) {
      Path path = Path.of(root);
      if (!Files.exists(path)) {
        throw new ConsoleSession.ConsoleError("r: " + source.name() + " was built from sources in " + path
            + ", which is not on this machine");
      }
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted().forEach(files::add);
      }
    }
    return files;
  }

  /** Writes the current class files of {@code modules} under {@code dir}, replacing what was there. */
  static void writeClassFiles(java.util.Collection<String> modules, Path dir) throws IOException {
    deleteTree(dir);
    Files.createDirectories(dir);
    for (String module : modules) {
      for (Map.Entry<String, byte[]> entry : CodeServer.classFiles(module).entrySet()) {
        Path file = dir.resolve(entry.getKey().replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        Files.write(file, entry.getValue());
      }
    }
  }

  static void deleteTree(Path dir) {
    try {
      org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
