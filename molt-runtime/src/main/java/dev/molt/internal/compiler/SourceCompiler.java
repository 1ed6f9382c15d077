package dev.molt.internal.compiler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles Java source files in memory with {@code javax.tools}: against class files given as bytes
 * (the modules a module depends on, as loaded or as being loaded) and the node's own class path and
 * module path. What a module loaded from sources and the console's {@code c} and {@code r} share.
 * Nothing is written to disk; the class files come back as bytes.
 *
 * <p>Errors come back as one text, each as {@code file:line:column: message}, then the source line
 * and a caret under the column.
 */
public final class SourceCompiler {
  private static final List<String> OPTIONS = List.of("-proc:none", "-parameters");

  private SourceCompiler() {}

  /**
   * Sources that did not compile, or a JVM that cannot compile; the message says what and where.
   */
  public static final class CompileError extends Exception {
    CompileError(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The classes {@code files} compile to, by binary name. {@code against} are class files by binary
   * name, seen before the node's class path; when two maps have a class of the same name, the first
   * wins.
   */
  public static Map<String, byte[]> compile(
      List<Path> files, Collection<Map<String, byte[]>> against) throws CompileError, IOException {
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new NoSuchFileException(file.toString());
      }
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new CompileError("this JVM has no Java compiler: run Molt on a JDK, not a JRE");
    }
    Map<String, byte[]> classpath = new LinkedHashMap<>();
    for (Map<String, byte[]> classes : against) {
      classes.forEach(classpath::putIfAbsent);
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager standard =
            javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        InMemory manager = new InMemory(standard, classpath)) {
      standard.setLocationFromPaths(StandardLocation.CLASS_PATH, nodePath());
      Iterable<? extends JavaFileObject> units = standard.getJavaFileObjectsFromPaths(files);
      if (!javac.getTask(null, manager, diagnostics, OPTIONS, null, units).call()) {
        throw new CompileError(describe(diagnostics.getDiagnostics()));
      }
      return manager.output();
    }
  }

  /** The node's class path and module path: what every compiled source may use. */
  private static List<Path> nodePath() {
    List<Path> paths = new ArrayList<>();
    for (String property : List.of("java.class.path", "jdk.module.path")) {
      for (String entry : System.getProperty(property, "").split(File.pathSeparator, -1)) {
        if (!entry.isBlank()) {
          paths.add(Path.of(entry));
        }
      }
    }
    return paths;
  }

  /** Each error as {@code file:line:column: message}, then its source line and a caret. */
  static String describe(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      String file = d.getSource() == null ? "?" : Path.of(d.getSource().toUri()).toString();
      StringBuilder text =
          new StringBuilder(
              file
                  + ":"
                  + d.getLineNumber()
                  + ":"
                  + d.getColumnNumber()
                  + ": "
                  + d.getMessage(Locale.ROOT));
      if (d.getSource() != null && d.getLineNumber() > 0) {
        try {
          String line =
              d.getSource()
                  .getCharContent(true)
                  .toString()
                  .lines()
                  .skip(d.getLineNumber() - 1)
                  .findFirst()
                  .orElse("");
          text.append('\n')
              .append(line)
              .append('\n')
              .append(" ".repeat((int) Math.max(0, d.getColumnNumber() - 1)))
              .append('^');
        } catch (IOException e) {
          // the message alone names file, line and column
        }
      }
      errors.add(text.toString());
    }
    return String.join("\n", errors);
  }

  /**
   * Class files in memory: those to compile against (found before the class path), and those
   * compiled.
   */
  private static final class InMemory extends ForwardingJavaFileManager<StandardJavaFileManager> {
    private final Map<String, byte[]> classpath;
    private final Map<String, ByteArrayOutputStream> output = new TreeMap<>();

    InMemory(StandardJavaFileManager standard, Map<String, byte[]> classpath) {
      super(standard);
      this.classpath = classpath;
    }

    Map<String, byte[]> output() {
      Map<String, byte[]> classes = new TreeMap<>();
      output.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
      return classes;
    }

    @Override
    public Iterable<JavaFileObject> list(
        Location location, String packageName, Set<JavaFileObject.Kind> kinds, boolean recurse)
        throws IOException {
      Iterable<JavaFileObject> listed = super.list(location, packageName, kinds, recurse);
      if (location != StandardLocation.CLASS_PATH || !kinds.contains(JavaFileObject.Kind.CLASS)) {
        return listed;
      }
      List<JavaFileObject> all = new ArrayList<>();
      String prefix = packageName.isEmpty() ? "" : packageName + ".";
      classpath.forEach(
          (name, bytes) -> {
            if (name.startsWith(prefix) && (recurse || name.indexOf('.', prefix.length()) < 0)) {
              all.add(new ClassInput(name, bytes));
            }
          });
      listed.forEach(all::add);
      return all;
    }

    @Override
    public String inferBinaryName(Location location, JavaFileObject file) {
      return file instanceof ClassInput input
          ? input.binaryName
          : super.inferBinaryName(location, file);
    }

    @Override
    public boolean isSameFile(FileObject a, FileObject b) {
      return (a instanceof ClassInput || b instanceof ClassInput) ? a == b : super.isSameFile(a, b);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      return new SimpleJavaFileObject(
          URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
        @Override
        public OutputStream openOutputStream() {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          output.put(className, bytes);
          return bytes;
        }
      };
    }
  }

  /** A class file to compile against, from memory. */
  private static final class ClassInput extends SimpleJavaFileObject {
    final String binaryName;
    private final byte[] bytes;

    ClassInput(String binaryName, byte[] bytes) {
      super(URI.create("mem:///classpath/" + binaryName.replace('.', '/') + ".class"), Kind.CLASS);
      this.binaryName = binaryName;
      this.bytes = bytes;
    }

    @Override
    public InputStream openInputStream() {
      return new ByteArrayInputStream(bytes);
    }
  }
}
