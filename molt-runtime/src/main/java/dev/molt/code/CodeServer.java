package dev.molt.code;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import dev.molt.internal.code.LoadChecks;
import dev.molt.internal.code.ModuleTable;
import dev.molt.internal.code.ModuleVersion;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code server: loads modules, each version into a class loader of its own, and keeps at most
 * two versions of each, current and old. This is the interface to it, as OTP's {@code code} module
 * is the interface to its code server: each function is a guarded one-liner over the node's module
 * table.
 *
 * <p>Loading is done in two phases, as OTP's {@code prepare_loading}/{@code finish_loading}: {@link
 * #prepare} reads, defines and links every class of every module given (and relinks the modules
 * that depend on them) without changing anything; {@link #finish} switches them all at once. A
 * process running a module moves to the new version at its next message, with its state migrated by
 * the new version's {@code codeChange}; {@link dev.molt.sys.Sys} controls when instead.
 *
 * <table>
 *   <caption>A module's versions</caption>
 *   <tr><th>operation</th><th>before</th><th>after</th></tr>
 *   <tr><td>load</td><td>current A, no old</td><td>current B, old A</td></tr>
 *   <tr><td>load</td><td>current B, old A</td><td>refused ({@code NOT_PURGED}) unless purging first</td></tr>
 *   <tr><td>purge</td><td>old A</td><td>no old; processes still on A are killed</td></tr>
 *   <tr><td>softPurge</td><td>old A</td><td>no old, or refused ({@code IN_USE}) while processes run A</td></tr>
 *   <tr><td>delete</td><td>current B, no old</td><td>no current, old B</td></tr>
 * </table>
 *
 * <p>The runtime's packages, the JDK and the packages declared {@link #stable} are sticky: a module
 * that defines one of their classes is refused.
 */
@API(status = STABLE, since = "0.1")
public final class CodeServer {
  private static final Logger LOG = LoggerFactory.getLogger(CodeServer.class);
  private static final ModuleTable TABLE = ModuleTable.node();

  private CodeServer() {}

  /**
   * Declares the classes under {@code packagePrefix} part of the stable layer: they can never be
   * reloaded.
   */
  public static void stable(String packagePrefix) {
    LoadChecks.stable(Objects.requireNonNull(packagePrefix, "packagePrefix"));
  }

  /** Loads one module: prepare, then finish. Refused with {@code NOT_PURGED} if it has old code. */
  public static LoadResult load(ModuleSource source) {
    return logged(TABLE.finish(TABLE.prepare(List.of(source), false)));
  }

  /** Loads one module, purging its old code first if it has any. */
  public static LoadResult loadPurging(ModuleSource source) {
    return logged(TABLE.finish(TABLE.prepare(List.of(source), true)));
  }

  private static LoadResult logged(LoadResult result) {
    if (LOG.isInfoEnabled()) {
      LOG.info(
          "loaded {}{}",
          names(result.loaded()),
          result.relinked().isEmpty() ? "" : ", relinked " + names(result.relinked()));
    }
    return result;
  }

  private static List<String> names(List<ModuleInfo> modules) {
    return modules.stream().map(m -> m.name() + " v" + m.version()).toList();
  }

  /**
   * Reads, defines and links every class of {@code sources}, and prepares relinked versions of the
   * modules that depend on them. Changes nothing; any failure throws {@link CodeException}.
   */
  public static Prepared prepare(List<ModuleSource> sources, boolean purgeFirst) {
    return TABLE.prepare(sources, purgeFirst);
  }

  /**
   * Switches every module of {@code prepared} in at once. Fails, changing nothing, if the table
   * moved since. Does no I/O, since it usually runs while processes are suspended: it logs only at
   * DEBUG, and whoever called it reports the {@link LoadResult} once they are resumed.
   */
  public static LoadResult finish(Prepared prepared) {
    return TABLE.finish(Objects.requireNonNull(prepared, "prepared"));
  }

  /**
   * Removes the old code of {@code module}, killing the processes still running it. Returns false
   * if there was no old code. An unknown module is an error.
   */
  public static boolean purge(String module) {
    return TABLE.purge(module, false);
  }

  /** Removes the old code of {@code module} unless processes still run it (then {@code IN_USE}). */
  public static boolean softPurge(String module) {
    return TABLE.purge(module, true);
  }

  /** Makes the current code of {@code module} old: new processes can no longer start on it. */
  public static void delete(String module) {
    TABLE.delete(module);
  }

  public static boolean isLoaded(String module) {
    return TABLE.current(module) != null;
  }

  /** The current version of {@code module}. */
  public static Optional<ModuleInfo> which(String module) {
    return Optional.ofNullable(TABLE.current(module))
        .map(version -> version.info(ModuleInfo.Status.CURRENT));
  }

  /** Every loaded version, current and old. */
  public static List<ModuleInfo> allLoaded() {
    return TABLE.allLoaded();
  }

  /**
   * Modules whose jar, classes or sources changed on disk since their current version was loaded.
   */
  public static List<String> modified() {
    return TABLE.currentVersions().stream()
        .filter(ModuleVersion::modifiedOnDisk)
        .map(ModuleVersion::name)
        .toList();
  }

  /** The processes running the old version of {@code module}. */
  public static List<Pid> oldProcesses(String module) {
    ModuleVersion old = TABLE.old(module);
    return old == null ? List.of() : old.pids();
  }

  /**
   * How many processes run the old version of {@code module}: {@link #oldProcesses}, without the
   * list.
   */
  public static int oldProcessCount(String module) {
    ModuleVersion old = TABLE.old(module);
    return old == null ? 0 : old.processCount();
  }

  /**
   * The processes running the current version of {@code module}: servers, and plain processes whose
   * body is the module's code (docs/adr/0010).
   */
  public static List<Pid> processes(String module) {
    ModuleVersion current = TABLE.currentOfKnown(module);
    return current == null ? List.of() : current.pids();
  }

  /**
   * The servers among {@link #processes}: those that take system requests, which an upgrade
   * suspends and moves to new code. A plain process keeps running the version it started on.
   */
  public static List<Pid> servers(String module) {
    ModuleVersion current = TABLE.currentOfKnown(module);
    return current == null ? List.of() : current.serverPids();
  }

  /**
   * A new instance of the current version of {@code type}'s class if a loaded module defines a
   * class of that name, else of {@code type} itself. This is how code outside a module starts a
   * process on the module's current code: {@code GenServer.start(CodeServer.newInstance(KV.class),
   * arg)}.
   */
  public static <T> T newInstance(Class<?> type, Class<T> as) {
    Class<?> actual = currentClass(type.getName()).orElse(type);
    try {
      var constructor = actual.getDeclaredConstructor();
      constructor.setAccessible(true);
      return as.cast(constructor.newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(
          "cannot instantiate "
              + actual.getName()
              + " from "
              + actual.getClassLoader()
              + ": it needs a no-argument constructor",
          e);
    }
  }

  /**
   * Where the current version of {@code module} was read from, to read it again ({@code l}, {@code
   * r} in a console).
   */
  public static Optional<ModuleSource> source(String module) {
    return Optional.ofNullable(TABLE.current(module)).map(ModuleVersion::source);
  }

  /**
   * The class files of the current version of {@code module} by class name (copies), empty if it is
   * not loaded: what a console compiles against.
   */
  public static Map<String, byte[]> classFiles(String module) {
    ModuleVersion current = TABLE.current(module);
    Map<String, byte[]> copies = new TreeMap<>();
    if (current != null) {
      current.bytes().forEach((name, bytes) -> copies.put(name, bytes.clone()));
    }
    return copies;
  }

  /** The class named {@code className} in the current version of the module that defines it. */
  public static Optional<Class<?>> currentClass(String className) {
    return Optional.ofNullable(TABLE.currentClass(className));
  }

  /**
   * Purged versions whose class loader is still reachable after a GC, with their likely holders.
   * Runs a full GC: a diagnostic, not something to call in a hot loop.
   */
  public static List<Leak> leaks() {
    return TABLE.leaks();
  }

  /**
   * Code changes that failed recently (the last 100), oldest first: each process stayed on its old
   * code.
   */
  public static List<CodeChangeFailure> failures() {
    return TABLE.failures();
  }
}
