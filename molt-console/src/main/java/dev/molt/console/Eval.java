package dev.molt.console;

import dev.molt.code.CodeServer;
import dev.molt.code.ModuleInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.VarSnippet;

/**
 * Java evaluated inside the node with JShell: for {@code eval} and for each console. Snippets
 * compile against the current class files of every module (written under {@code scratch}) and run
 * against the current classes themselves ({@link ConsoleLoader}); after a module moved to a new
 * version, new snippets see it, and variables stay. The packages of every module are imported, as
 * is {@code dev.molt.*}. A snippet that throws is reported with its stack trace; {@link #stop} ends
 * one that runs too long.
 */
final class Eval implements AutoCloseable {
  /**
   * The runtime's API packages, imported in every shell: {@code KV.get("a")} and {@code
   * Sys.getState(pid)} work as typed.
   */
  private static final List<String> RUNTIME_API =
      List.of("dev.molt", "dev.molt.behaviour", "dev.molt.code", "dev.molt.sys");

  private final Path scratch;
  private ConsoleLoader loader = new ConsoleLoader(Eval.class.getClassLoader());

  /** The modules' packages imported so far, with the snippet that imported each. */
  private final Map<String, Snippet> imported = new TreeMap<>();

  private volatile JShell shell;
  private volatile boolean stopped;
  private Map<String, Integer> versions = Map.of();
  private int generations;
  private final boolean namesVariables;
  private final int renewAfter;
  private int evaluations;

  /**
   * {@code namesVariables}: a declaration prints as {@code x ==> 5} (a console), not {@code 5} (a
   * script's {@code eval}). {@code renewAfter}: after that many evaluations the shell starts
   * afresh, forgetting its snippets, so that a script calling {@code eval} forever does not grow it
   * forever (0: never).
   */
  Eval(Path scratch, boolean namesVariables, int renewAfter) {
    this.scratch = scratch;
    this.namesVariables = namesVariables;
    this.renewAfter = renewAfter;
  }

  /**
   * Evaluates {@code code} (one or more snippets); the values it produced, one a line. Throws
   * {@link ConsoleSession.ConsoleError} with what to print for a failure.
   */
  synchronized String eval(String code) throws IOException {
    if (renewAfter > 0 && ++evaluations > renewAfter) {
      close();
      loader = new ConsoleLoader(Eval.class.getClassLoader());
      imported.clear();
      versions = Map.of();
      evaluations = 1;
    }
    boolean hadShell = shell != null;
    int generationBefore = generations;
    JShell jshell = shell();
    stopped = false;
    List<String> out = new ArrayList<>();
    // only when the code changed: the snippets are not scanned on every evaluation
    if (namesVariables
        && hadShell
        && generations != generationBefore
        && jshell.snippets().anyMatch(Eval::isDeclaration)) {
      out.add(
          "| the node's code changed since the last evaluation: what was declared before keeps its"
              + " value but cannot be used from new snippets; declare again what you need");
    }
    String remaining = code;
    SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
      if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
        break;
      }
      if (!info.completeness().isComplete()) {
        throw new ConsoleSession.ConsoleError("incomplete Java: " + remaining.strip());
      }
      List<SnippetEvent> events;
      try {
        events = jshell.eval(info.source());
      } catch (InternalError e) {
        // JShell's own analysis fails on some malformed input (an AssertionError inside javac's
        // tree scanner); the input is wrong, and the shell goes on.
        throw new ConsoleSession.ConsoleError(
            "does not compile: JShell could not analyze "
                + info.source().strip()
                + " ("
                + e.getMessage()
                + ")");
      }
      if (stopped) {
        out.add("interrupted");
        break;
      }
      for (SnippetEvent event : events) {
        if (event.causeSnippet() != null) {
          continue;
        }
        if (event.exception() != null) {
          String stale = staleDeclaration(event.exception());
          throw new ConsoleSession.ConsoleError(
              String.join("\n", out)
                  + (out.isEmpty() ? "" : "\n")
                  + (stale != null ? stale : describe(event.exception())));
        }
        if (event.status() == Snippet.Status.REJECTED) {
          List<String> why =
              jshell
                  .diagnostics(event.snippet())
                  .map((Diag diag) -> diag.getMessage(null).strip().replaceAll("\\s*\\R\\s*", ", "))
                  .toList();
          throw new ConsoleSession.ConsoleError("does not compile: " + String.join("\n", why));
        }
        if (event.value() != null && event.snippet().kind() != Snippet.Kind.IMPORT) {
          out.add(
              namesVariables
                      && event.snippet() instanceof VarSnippet var
                      && event.snippet().subKind() != Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                  ? var.name() + " ==> " + event.value()
                  : event.value());
        }
      }
      remaining = info.remaining();
    }
    return String.join("\n", out);
  }

  /** Stops the evaluation in progress, if any; it reports "interrupted". */
  void stop() {
    stopped = true;
    JShell running = shell;
    if (running != null) {
      running.stop();
    }
  }

  /**
   * JShell's completions of the Java in {@code buffer} at {@code cursor}, each from {@code from}
   * on.
   */
  synchronized List<String> suggest(String buffer, int cursor, int from) throws IOException {
    int[] anchor = new int[1];
    List<SourceCodeAnalysis.Suggestion> suggestions;
    try {
      suggestions = shell().sourceCodeAnalysis().completionSuggestions(buffer, cursor, anchor);
    } catch (InternalError e) {
      return List.of(); // JShell's analysis fails on some malformed input: nothing to suggest
    }
    String prefix = buffer.substring(from, Math.max(from, anchor[0]));
    List<String> out = new ArrayList<>();
    for (SourceCodeAnalysis.Suggestion suggestion : suggestions) {
      out.add(prefix + suggestion.continuation());
    }
    return out;
  }

  /**
   * An exception thrown by a snippet, with its stack down to the snippet (JShell's own frames left
   * out).
   */
  /**
   * What to say when a snippet used a variable, method or class declared before the node's code
   * changed: the JVM refuses the access (the declarations of each code generation live in a class
   * loader of their own, and JShell keeps them package-private), with a message only its authors
   * can read. Null for any other failure.
   */
  static String staleDeclaration(Throwable thrown) {
    String className =
        thrown instanceof EvalException e ? e.getExceptionClassName() : thrown.getClass().getName();
    String message = thrown.getMessage();
    if (!"java.lang.IllegalAccessError".equals(className)
        || message == null
        || !message.contains("REPL.$JShell$")) {
      return null;
    }
    return "this uses something declared before the node's code changed (an upgrade or a reload"
        + " since it was declared): declarations of an earlier code version cannot be reached"
        + " from new snippets. Declare it again, for example var x = ...; then go on";
  }

  private static String describe(Throwable thrown) {
    StringBuilder text = new StringBuilder();
    if (thrown instanceof EvalException e) {
      text.append(e.getExceptionClassName())
          .append(e.getMessage() == null ? "" : ": " + e.getMessage());
    } else {
      text.append(thrown);
    }
    for (StackTraceElement frame : thrown.getStackTrace()) {
      if (frame.getClassName().startsWith("jdk.jshell.")
          || frame.getClassName().startsWith("jdk.internal.reflect.")
          || frame.getClassName().startsWith("java.lang.reflect.")) {
        break;
      }
      text.append("\n\tat ").append(frame);
    }
    Throwable cause = thrown.getCause();
    if (cause != null && cause != thrown) {
      text.append("\nCaused by: ").append(describe(cause));
    }
    return text.toString();
  }

  private static boolean isDeclaration(Snippet snippet) {
    return switch (snippet.kind()) {
      case VAR, METHOD, TYPE_DECL ->
          snippet.subKind() != Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
      default -> false;
    };
  }

  /** The shell, told about module versions that changed since the last evaluation. */
  private JShell shell() throws IOException {
    List<ModuleInfo> current =
        CodeServer.allLoaded().stream()
            .filter(m -> m.status() == ModuleInfo.Status.CURRENT)
            .toList();
    Map<String, Integer> now = new TreeMap<>();
    current.forEach(module -> now.put(module.name(), module.version()));
    if (shell != null && now.equals(versions)) {
      return shell;
    }
    // Each set of versions gets a directory of its own, added to JShell's class path: adding an
    // entry is what makes JShell drop the compiler state that remembers the old classes.
    Files.createDirectories(scratch);
    Path previous = scratch.resolve("classes-" + generations);
    generations++;
    Path classes = scratch.resolve("classes-" + generations);
    ConsoleCompiler.writeClassFiles(now.keySet(), classes);
    ConsoleCompiler.deleteTree(previous);
    if (shell == null) {
      JShell made = JShell.builder().executionEngine(loader.provider(), Map.of()).build();
      for (String entry :
          System.getProperty("java.class.path", "").split(java.io.File.pathSeparator, -1)) {
        if (!entry.isBlank()) {
          made.addToClasspath(entry);
        }
      }
      for (String api : RUNTIME_API) {
        made.eval("import " + api + ".*;");
      }
      shell = made;
    } else {
      loader.newGeneration();
    }
    shell.addToClasspath(classes.toString());
    Set<String> packages = new TreeSet<>();
    for (ModuleInfo module : current) {
      for (String className : module.classes()) {
        int dot = className.lastIndexOf('.');
        if (dot > 0 && !className.contains("$")) {
          packages.add(className.substring(0, dot));
        }
      }
    }
    // a package no module has any more (a library a downgrade removed): its import would fail
    // every later snippet
    for (var gone = imported.entrySet().iterator(); gone.hasNext(); ) {
      var entry = gone.next();
      if (!packages.contains(entry.getKey())) {
        shell.drop(entry.getValue());
        gone.remove();
      }
    }
    for (String pkg : packages) {
      if (!imported.containsKey(pkg)) {
        // the modules' packages, so that KV.get("a") works as it does in IEx
        List<SnippetEvent> events = shell.eval("import " + pkg + ".*;");
        if (!events.isEmpty()) {
          imported.put(pkg, events.getFirst().snippet());
        }
      }
    }
    versions = now;
    return shell;
  }

  @Override
  public void close() {
    JShell closing = shell;
    shell = null;
    if (closing != null) {
      closing.close();
    }
    ConsoleCompiler.deleteTree(scratch);
  }
}
