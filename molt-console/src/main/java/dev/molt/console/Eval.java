package dev.molt.console;

import dev.molt.CodeServer;
import dev.molt.ModuleInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Java evaluated inside the node with JShell, in this JVM. Snippets compile against the node's
 * class path and the current version of every loaded module; they run in JShell's own class
 * loader, which reads module classes from their jars as a client copy, the way client code of a
 * module does (a message built from that copy is migrated by the server it reaches). The packages
 * of every module are imported, as are {@code dev.molt.*}. The shell is made on first use and
 * remade when a module's current version changes.
 */
final class Eval implements AutoCloseable {
  private JShell shell;
  private Set<String> classpath = Set.of();

  synchronized String eval(String code) {
    JShell jshell = shell();
    List<String> out = new ArrayList<>();
    String remaining = code;
    SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
      if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
        break;
      }
      if (!info.completeness().isComplete()) {
        throw new IllegalArgumentException("incomplete Java: " + remaining.strip());
      }
      for (SnippetEvent event : jshell.eval(info.source())) {
        if (event.causeSnippet() != null) {
          continue;
        }
        if (event.exception() != null) {
          Throwable e = event.exception();
          String message = e instanceof jdk.jshell.EvalException ee ? ee.getExceptionClassName() + ": " + ee.getMessage()
              : e.toString();
          throw new IllegalStateException(message);
        }
        if (event.status() == Snippet.Status.REJECTED) {
          StringBuilder why = new StringBuilder("does not compile:");
          jshell.diagnostics(event.snippet()).forEach((Diag diag) -> why.append(' ').append(diag.getMessage(null)));
          throw new IllegalArgumentException(why.toString());
        }
        if (event.value() != null && event.snippet().kind() != Snippet.Kind.IMPORT) {
          out.add(event.value());
        }
      }
      remaining = info.remaining();
    }
    return String.join("\n", out);
  }

  private JShell shell() {
    Set<String> paths = new LinkedHashSet<>();
    Set<String> packages = new java.util.TreeSet<>();
    for (ModuleInfo module : CodeServer.allLoaded()) {
      if (module.status() == ModuleInfo.Status.CURRENT && module.origin() != null && Files.exists(Path.of(module.origin()))) {
        paths.add(module.origin());
        for (String className : module.classes()) {
          int dot = className.lastIndexOf('.');
          if (dot > 0 && !className.contains("$")) {
            packages.add(className.substring(0, dot));
          }
        }
      }
    }
    if (shell == null || !paths.equals(classpath)) {
      close();
      shell = JShell.builder().executionEngine("local").build();
      for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
        if (!entry.isBlank()) {
          shell.addToClasspath(entry);
        }
      }
      paths.forEach(shell::addToClasspath);
      shell.eval("import dev.molt.*;");
      // the modules' packages too, so that KV.get("a") works as it does in IEx
      packages.forEach(pkg -> shell.eval("import " + pkg + ".*;"));
      classpath = paths;
    }
    return shell;
  }

  @Override
  public synchronized void close() {
    if (shell != null) {
      shell.close();
      shell = null;
    }
  }
}
