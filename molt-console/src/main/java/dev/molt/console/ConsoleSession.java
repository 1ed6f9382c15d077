package dev.molt.console;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.code.CodeServer;
import dev.molt.code.Leak;
import dev.molt.code.LoadResult;
import dev.molt.code.ModuleInfo;
import dev.molt.code.ModuleSource;
import dev.molt.internal.upgrade.Upgrade;
import dev.molt.sys.ProcessStatus;
import dev.molt.sys.Sys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One remote console attached to the node: IEx's helpers ({@code c}, {@code l}, {@code r}, {@code
 * sys ...}, listings) and, for anything else, Java evaluated with JShell inside the node against
 * the current code of its modules (see {@link ConsoleLoader}). Variables live as long as the
 * console. What an evaluation prints comes back with its result, after the log lines the node wrote
 * meanwhile.
 */
final class ConsoleSession implements AutoCloseable {
  static final String HELP =
      """
      c <File.java>...      compile against the module's current classes and load as its new version
      l <module>            purge old code and load the module again from where it was read
      r <module>            recompile the module's sources (recorded in its jar at build time, or given to c) and reload
      sys suspend|resume|change_code|state|status <pid|name>
      processes             pid, registered name, module@version, mailbox length
      modules               name, version, current/old, origin, modified on disk
      releases              the node's releases
      leaks                 purged versions still reachable, and what holds them
      help                  this text
      anything else         Java, evaluated in the node (KV.get("a")); variables persist
      Ctrl-C stops an evaluation, Ctrl-D leaves; leaving never stops the node""";

  private static final Set<String> HELPERS =
      Set.of("c", "l", "r", "sys", "processes", "modules", "releases", "leaks", "help");
  private static final List<String> SYS_ACTIONS =
      List.of("suspend", "resume", "change_code", "state", "status");
  private static final Duration SYS_TIMEOUT = Duration.ofSeconds(5);

  final String id;
  private final Path scratch;
  private final ReleaseCommands releases;

  /**
   * Sources given to {@code c}, by module: what {@code r} compiles again. Shared by the node's
   * consoles.
   */
  private final Map<String, Set<Path>> remembered;

  private final NodeOutput.Buffer output = new NodeOutput.Buffer();
  private final Eval eval;
  private final Path builds;

  ConsoleSession(Path root, ReleaseCommands releases, Map<String, Set<Path>> remembered)
      throws IOException {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    this.id = HexFormat.of().formatHex(random);
    this.scratch = root.resolve("tmp").resolve("console").resolve(id);
    this.builds = root.resolve("tmp").resolve("console-builds");
    this.releases = releases;
    this.remembered = remembered;
    Files.createDirectories(scratch);
    this.eval = new Eval(scratch.resolve("eval"), true, 0);
    NodeOutput.install();
    NodeOutput.listen(output);
  }

  /** What the console prints first. */
  String banner() {
    String running = releases.running().map(release -> "release " + release).orElse("a node");
    return "Molt console on "
        + running
        + "; modules "
        + CodeServer.allLoaded().stream()
            .filter(m -> m.status() == ModuleInfo.Status.CURRENT)
            .map(m -> m.name() + "@" + m.version())
            .toList()
        + ". Type help for the helpers.";
  }

  /**
   * One line typed at the console: what to print. Throws {@link ConsoleError} with what to print
   * for a failure.
   */
  synchronized String line(String text) throws Exception {
    String result;
    try {
      result = helper(text.strip());
      if (result == null) {
        result = text.isBlank() ? "" : java(text);
      }
    } catch (ConsoleError e) {
      throw new ConsoleError(output.drain() + e.getMessage());
    } catch (RuntimeException e) {
      throw new ConsoleError(
          output.drain() + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
    return output.drain() + result;
  }

  /** Log lines the node wrote since the last line: for a console idle at its prompt. */
  String poll() {
    return output.drain();
  }

  /** Stops the evaluation in progress, if any (Ctrl-C). */
  void interrupt() {
    eval.stop();
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** The helper's output, or null when the line is not a helper (then it is Java). */
  private String helper(String line) throws Exception {
    List<String> words = List.of(line.split("\\s+"));
    String name = words.getFirst();
    if (!HELPERS.contains(name) || !looksLikeHelper(name, words)) {
      return null;
    }
    List<String> args = words.subList(1, words.size());
    return switch (name) {
      case "help" -> HELP;
      case "c" -> compile(args.stream().map(Path::of).toList());
      case "l" -> load(oneModule("l", args));
      case "r" -> recompile(oneModule("r", args));
      case "sys" -> sys(args);
      case "processes" -> processes();
      case "modules" -> modules();
      case "releases" -> releases.run("releases", List.of());
      case "leaks" -> leaks();
      default -> null;
    };
  }

  /** A helper's name alone, or followed by plain words: {@code c} as a Java variable stays Java. */
  private static boolean looksLikeHelper(String name, List<String> words) {
    boolean plainWords = words.stream().skip(1).allMatch(w -> w.matches("[\\w./@<>:\\-]+"));
    return switch (name) {
      case "c" ->
          words.size() > 1
              && plainWords
              && words.stream().skip(1).allMatch(w -> w.endsWith(".java"));
      case "l", "r" -> words.size() == 2 && plainWords;
      case "sys" -> words.size() == 3 && plainWords;
      default -> words.size() == 1;
    };
  }

  private static String oneModule(String helper, List<String> args) {
    String module = args.getFirst();
    if (!CodeServer.isLoaded(module)) {
      throw new ConsoleError(helper + ": no module " + module + " is loaded; modules lists them");
    }
    return module;
  }

  private String compile(List<Path> files) throws Exception {
    for (Path file : files) {
      if (!file.isAbsolute() || !Files.isRegularFile(file)) {
        throw new ConsoleError("c: no such file " + file);
      }
    }
    String module = ConsoleCompiler.moduleOf(files);
    // outlives this console: the new version is read from there again by a later l
    Path out = Files.createTempDirectory(Files.createDirectories(builds), module + "-");
    ConsoleCompiler.compile(module, files, out);
    remembered.computeIfAbsent(module, m -> new LinkedHashSet<>()).addAll(files);
    return reload(
        module,
        ModuleSource.directory(module, out),
        "compiled " + files.size() + " file(s) of " + module);
  }

  private String load(String module) throws Exception {
    ModuleSource source =
        CodeServer.source(module)
            .orElseThrow(() -> new ConsoleError("l: module " + module + " has no current code"));
    return reload(module, source, "loaded " + module + " from " + source.paths().getFirst());
  }

  /**
   * {@code r}: compiles again the module's sources — those its jar recorded when it was built (read
   * afresh, so new files count), and those given to {@code c} — or, for a module loaded from
   * sources, reloads it from them.
   */
  private String recompile(String module) throws Exception {
    ModuleSource source = CodeServer.source(module).orElseThrow();
    Set<Path> files = new LinkedHashSet<>(ConsoleCompiler.recordedSources(source));
    files.addAll(remembered.getOrDefault(module, Set.of()));
    if (!files.isEmpty()) {
      return compile(List.copyOf(files));
    }
    if (source.kind() == ModuleSource.Kind.SOURCES) {
      return reload(module, source, "recompiled " + module);
    }
    throw new ConsoleError(
        "r: no sources are known for "
            + module
            + " (it was loaded from "
            + source.paths().getFirst()
            + ", which records none); c <File.java> compiles sources and remembers them, l "
            + module
            + " loads it again");
  }

  /**
   * Loads {@code source} as the module's next version (purging old code first), then moves every
   * process still on the version before to it now: suspended all at once, code changed, resumed.
   */
  private String reload(String module, ModuleSource source, String what) {
    LoadResult result = CodeServer.loadPurging(source);
    int old = CodeServer.oldProcessCount(module);
    Map<Pid, RuntimeException> failures =
        Upgrade.moveOldProcesses(module, SYS_TIMEOUT, SYS_TIMEOUT);
    int failed = failures.size();
    String firstFailure =
        failures.isEmpty() ? null : failures.values().iterator().next().getMessage();
    StringBuilder text =
        new StringBuilder(what)
            .append('\n')
            .append("reloaded ")
            .append(result.loaded().stream().map(m -> m.name() + "@" + m.version()).toList())
            .append(", relinked ")
            .append(result.relinked().stream().map(m -> m.name() + "@" + m.version()).toList())
            .append("; processes migrated ")
            .append(old - failed)
            .append(", failed ")
            .append(failed);
    if (firstFailure != null) {
      text.append(" (first: ").append(firstFailure).append(')');
    }
    return text.toString();
  }

  private String sys(List<String> args) {
    String action = args.get(0);
    Pid pid =
        Process.pid(args.get(1))
            .or(() -> Process.whereis(args.get(1)))
            .orElseThrow(() -> new ConsoleError("sys: no process " + args.get(1)));
    return switch (action) {
      case "suspend" -> {
        Sys.suspend(pid);
        yield "suspended " + pid;
      }
      case "resume" -> {
        Sys.resume(pid);
        yield "resumed " + pid;
      }
      case "change_code" -> {
        ProcessStatus status = Sys.getStatus(pid);
        if (status.module() == null) {
          throw new ConsoleError("sys: " + pid + " does not run a module's code");
        }
        Sys.changeCode(pid, status.module(), null, null);
        yield pid + " now runs " + status.module() + "@" + Sys.getStatus(pid).version();
      }
      case "state" -> String.valueOf(Sys.getState(pid));
      case "status" -> {
        ProcessStatus status = Sys.getStatus(pid);
        yield status.pid()
            + (status.name() == null ? "" : " (" + status.name() + ")")
            + " "
            + status.status().name().toLowerCase(java.util.Locale.ROOT)
            + ", "
            + (status.module() == null
                ? status.callbacks()
                : status.module() + "@" + status.version())
            + ", mailbox "
            + status.mailbox()
            + ", state "
            + status.state()
            + (status.lastCodeChangeFailure() == null
                ? ""
                : ", last code change failed: " + status.lastCodeChangeFailure());
      }
      default ->
          throw new ConsoleError(
              "sys: suspend, resume, change_code, state or status, not " + action);
    };
  }

  private static String processes() {
    Map<Pid, String> runs = new java.util.HashMap<>();
    for (ModuleInfo module : CodeServer.allLoaded()) {
      List<Pid> pids =
          module.status() == ModuleInfo.Status.CURRENT
              ? CodeServer.processes(module.name())
              : CodeServer.oldProcesses(module.name());
      pids.forEach(pid -> runs.put(pid, module.name() + "@" + module.version()));
    }
    List<Pid> all = new ArrayList<>(Process.processes());
    all.sort(Comparator.comparingLong(pid -> Long.parseLong(pid.toString().replaceAll("\\D", ""))));
    int shown = Math.min(all.size(), 200);
    StringBuilder out =
        new StringBuilder(
            String.format("%-14s %-20s %-24s %s%n", "pid", "name", "module@version", "mailbox"));
    for (Pid pid : all.subList(0, shown)) {
      out.append(
          String.format(
              "%-14s %-20s %-24s %d%n",
              pid,
              Process.registeredName(pid).orElse("-"),
              runs.getOrDefault(pid, "-"),
              Process.mailboxSize(pid)));
    }
    out.append(all.size())
        .append(" processes")
        .append(shown < all.size() ? " (the first " + shown + " shown)" : "");
    return out.toString();
  }

  private static String modules() {
    List<String> modified = CodeServer.modified();
    StringBuilder out =
        new StringBuilder(
            String.format(
                "%-16s %-8s %-8s %-9s %s%n", "module", "version", "status", "on disk", "origin"));
    for (ModuleInfo module : CodeServer.allLoaded()) {
      out.append(
          String.format(
              "%-16s %-8d %-8s %-9s %s%n",
              module.name(),
              module.version(),
              module.status().name().toLowerCase(java.util.Locale.ROOT),
              module.status() == ModuleInfo.Status.CURRENT && modified.contains(module.name())
                  ? "modified"
                  : "-",
              module.origin()));
    }
    return out.toString().stripTrailing();
  }

  private String leaks() {
    List<Leak> leaks = releases == null ? CodeServer.leaks() : releases.leaks();
    if (leaks.isEmpty()) {
      return "no leaks: every purged version was collected";
    }
    return leaks.stream()
        .map(leak -> leak.module() + "@" + leak.version() + " still reachable: " + leak.holders())
        .collect(Collectors.joining("\n"));
  }

  // ---- Java --------------------------------------------------------------------------------

  private String java(String code) throws Exception {
    return NodeOutput.capture(output, () -> eval.eval(code));
  }

  /**
   * Completions for {@code buffer} at {@code cursor}: the anchor (where the completed word starts),
   * then one candidate a line.
   */
  synchronized String complete(String buffer, int cursor) throws IOException {
    if (cursor < 0 || cursor > buffer.length()) {
      throw new ConsoleError("complete: cursor " + cursor + " is outside the line");
    }
    String before = buffer.substring(0, cursor);
    int wordStart = before.lastIndexOf(' ') + 1;
    String word = before.substring(wordStart);
    List<String> words = List.of(before.strip().split("\\s+"));
    Set<String> candidates = new TreeSet<>();
    boolean first = !before.contains(" ");
    if (first) {
      HELPERS.stream().filter(h -> h.startsWith(word)).forEach(candidates::add);
    } else if (words.getFirst().equals("l") || words.getFirst().equals("r")) {
      CodeServer.allLoaded().stream()
          .map(ModuleInfo::name)
          .filter(n -> n.startsWith(word))
          .forEach(candidates::add);
      return wordStart + "\n" + String.join("\n", candidates);
    } else if (words.getFirst().equals("sys")) {
      if (words.size() == 1 || (words.size() == 2 && !before.endsWith(" "))) {
        SYS_ACTIONS.stream().filter(a -> a.startsWith(word)).forEach(candidates::add);
      } else {
        Process.registered().stream().filter(n -> n.startsWith(word)).forEach(candidates::add);
      }
      return wordStart + "\n" + String.join("\n", candidates);
    }
    candidates.addAll(eval.suggest(buffer, cursor, wordStart));
    return wordStart + "\n" + String.join("\n", candidates);
  }

  @Override
  public void close() {
    NodeOutput.stopListening(output);
    eval.close();
    ConsoleCompiler.deleteTree(scratch);
  }

  /** A line that failed: the text is what the console prints. */
  static final class ConsoleError extends RuntimeException {
    ConsoleError(String text) {
      super(text);
    }
  }
}
