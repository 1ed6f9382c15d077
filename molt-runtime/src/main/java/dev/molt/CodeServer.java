package dev.molt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code server: loads modules, each version into a class loader of its own, and keeps at
 * most two versions of each, current and old.
 *
 * <p>Loading is done in two phases, as OTP's {@code prepare_loading}/{@code finish_loading}:
 * {@link #prepare} reads, defines and links every class of every module given (and relinks the
 * modules that depend on them) without changing anything; {@link #finish} switches them all at
 * once. A process running a module moves to the new version at its next message, with its
 * state migrated by the new version's {@code codeChange}; {@link Sys} controls when instead.
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
 * <p>The runtime ({@code dev.molt}), the JDK and the packages declared {@link #stable} are
 * sticky: a module that defines one of their classes is refused.
 */
public final class CodeServer {
  private static final Logger LOG = LoggerFactory.getLogger(CodeServer.class);
  private static final ModuleTable TABLE = new ModuleTable();
  private static final List<String> STICKY = new CopyOnWriteArrayList<>(
      List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "dev.molt.internal."));
  private static final List<CodeChangeFailure> FAILURES = new CopyOnWriteArrayList<>();

  private CodeServer() {}

  /** Declares the classes under {@code packagePrefix} part of the stable layer: they can never be reloaded. */
  public static void stable(String packagePrefix) {
    STICKY.add(Objects.requireNonNull(packagePrefix, "packagePrefix"));
  }

  /** Loads one module: prepare, then finish. Refused with {@code NOT_PURGED} if it has old code. */
  public static LoadResult load(ModuleSource source) {
    return logged(finish(prepare(List.of(source), false)));
  }

  /** Loads one module, purging its old code first if it has any. */
  public static LoadResult loadPurging(ModuleSource source) {
    return logged(finish(prepare(List.of(source), true)));
  }

  private static LoadResult logged(LoadResult result) {
    if (LOG.isInfoEnabled()) {
      LOG.info("loaded {}{}", names(result.loaded()), result.relinked().isEmpty() ? "" : ", relinked " + names(result.relinked()));
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
    return Preparation.prepare(TABLE, sources, purgeFirst);
  }

  /**
   * Switches every module of {@code prepared} in at once. Fails, changing nothing, if the table
   * moved since. Does no I/O, since it usually runs while processes are suspended: it logs only
   * at DEBUG, and whoever called it reports the {@link LoadResult} once they are resumed.
   */
  public static LoadResult finish(Prepared prepared) {
    Objects.requireNonNull(prepared, "prepared");
    List<ModuleVersion> all = prepared.all();
    synchronized (TABLE) {
      readyToSwitch(prepared, all);
      for (ModuleVersion version : all) {
        ModuleTable.Entry entry = version.entry;
        entry.old = entry.current;
        entry.lastVersion = version.version;
        entry.current = version;
      }
      TABLE.generation++;
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("switched {}{}", prepared.loaded, prepared.relinked.isEmpty() ? "" : ", relinked " + prepared.relinked);
    }
    return prepared.result;
  }

  /**
   * Finishes a load without switching yet: the new versions become pending. Until {@link #commit}
   * nothing sees them — not a lazy switch, not a new process, not {@link #currentClass} — except
   * an explicit {@link Sys#changeCode}, which moves a suspended process to the pending version;
   * {@link #rollback} drops them. This is how a release install stays undoable until its point of
   * no return. Fails, changing nothing, if the table moved since the prepare or if a module still
   * has old code (unless the load was prepared with purgeFirst, which purges it here).
   */
  public static void finishHeld(Prepared prepared) {
    Objects.requireNonNull(prepared, "prepared");
    List<ModuleVersion> all = prepared.all();
    synchronized (TABLE) {
      readyToSwitch(prepared, all);
      for (ModuleVersion version : all) {
        version.entry.lastVersion = version.version;
        version.entry.pending = version;
      }
      TABLE.generation++;
    }
  }

  /**
   * Under the table's lock: refuses a load prepared before the table moved, or one whose module
   * has a pending version; purges old code first if the load asked for it, else refuses a
   * module that still has some.
   */
  private static void readyToSwitch(Prepared prepared, List<ModuleVersion> all) {
    if (TABLE.generation != prepared.generation) {
      throw new IllegalStateException("modules changed since this load was prepared; prepare it again");
    }
    for (ModuleVersion version : all) {
      if (version.entry.pending != null) {
        throw new IllegalStateException("module " + version.name() + " has a pending version " + version.entry.pending
            + " (an install is in progress); commit or roll it back first");
      }
    }
    if (prepared.purgeFirst) {
      for (ModuleVersion version : all) {
        purgeLocked(version.name(), false);
      }
    }
    for (ModuleVersion version : all) {
      LoadChecks.purged(TABLE, version.name());
    }
  }

  /** Makes the pending versions of {@link #finishHeld} current, all at once; processes then switch as after {@link #finish}. */
  public static LoadResult commit(Prepared prepared) {
    synchronized (TABLE) {
      for (ModuleVersion version : prepared.all()) {
        ModuleTable.Entry entry = version.entry;
        if (entry.pending != version) {
          throw new IllegalStateException(version + " is not pending; nothing to commit");
        }
        entry.old = entry.current;
        entry.current = version;
        entry.pending = null;
      }
      TABLE.generation++;
    }
    return prepared.result;
  }

  /**
   * Drops the pending versions of {@link #finishHeld}: the code that was current stays current,
   * and the dropped versions are purged (a process still on one is killed, with a warning).
   * Processes that changed code must have been put back first ({@link Sys#revertCodeChange}).
   */
  public static void rollback(Prepared prepared) {
    synchronized (TABLE) {
      for (ModuleVersion version : prepared.all()) {
        ModuleTable.Entry entry = version.entry;
        if (entry.pending != version) {
          throw new IllegalStateException(version + " is not pending; nothing to roll back");
        }
        for (ProcessCell cell : Set.copyOf(version.processes)) {
          LOG.warn("rolling back {}: killing {}, which still runs it", version, cell.pid);
          Process.exit(cell.pid, ExitReason.kill());
          version.processes.remove(cell);
        }
        entry.pending = null;
        Migration.forget(version.loader);
        for (ModuleVersion from : java.util.Arrays.asList(entry.current, entry.old)) {
          if (from != null) {
            Migration.forgetTarget(from.loader, version.loader);
          }
        }
        TABLE.purged.add(new ModuleTable.Purged(version.name(), version.version, new java.lang.ref.WeakReference<>(version.loader),
            List.copyOf(version.bytes.keySet())));
      }
      TABLE.generation++;
    }
    LOG.info("rolled back {}{}", prepared.loaded, prepared.relinked.isEmpty() ? "" : ", relinked " + prepared.relinked);
  }

  /**
   * Removes the old code of {@code module}, killing the processes still running it. Returns
   * false if there was no old code. An unknown module is an error.
   */
  public static boolean purge(String module) {
    synchronized (TABLE) {
      TABLE.existing(module);
      return purgeLocked(module, false);
    }
  }

  /** Removes the old code of {@code module} unless processes still run it (then {@code IN_USE}). */
  public static boolean softPurge(String module) {
    synchronized (TABLE) {
      TABLE.existing(module);
      return purgeLocked(module, true);
    }
  }

  /** Makes the current code of {@code module} old: new processes can no longer start on it. */
  public static void delete(String module) {
    synchronized (TABLE) {
      ModuleTable.Entry entry = TABLE.existing(module);
      LoadChecks.purged(TABLE, module);
      if (entry.current == null) {
        throw new CodeException(CodeException.Kind.NOT_FOUND, "module " + module + " has no current code to delete");
      }
      entry.old = entry.current;
      entry.current = null;
      TABLE.generation++;
    }
  }

  public static boolean isLoaded(String module) {
    synchronized (TABLE) {
      ModuleTable.Entry entry = TABLE.entries.get(module);
      return entry != null && entry.current != null;
    }
  }

  /** The current version of {@code module}. */
  public static Optional<ModuleInfo> which(String module) {
    synchronized (TABLE) {
      ModuleTable.Entry entry = TABLE.entries.get(module);
      return entry == null || entry.current == null ? Optional.empty()
          : Optional.of(entry.current.info(ModuleInfo.Status.CURRENT));
    }
  }

  /** Every loaded version, current and old. */
  public static List<ModuleInfo> allLoaded() {
    synchronized (TABLE) {
      List<ModuleInfo> infos = new ArrayList<>();
      for (ModuleTable.Entry entry : TABLE.entries.values()) {
        if (entry.current != null) {
          infos.add(entry.current.info(ModuleInfo.Status.CURRENT));
        }
        if (entry.old != null) {
          infos.add(entry.old.info(ModuleInfo.Status.OLD));
        }
      }
      return infos;
    }
  }

  /** Modules whose jar, classes or sources changed on disk since their current version was loaded. */
  public static List<String> modified() {
    List<ModuleVersion> current = new ArrayList<>();
    synchronized (TABLE) {
      for (ModuleTable.Entry entry : TABLE.entries.values()) {
        if (entry.current != null) {
          current.add(entry.current);
        }
      }
    }
    return current.stream().filter(v -> !ClassBytes.stamps(v.source).equals(v.stamps)).map(ModuleVersion::name).toList();
  }

  /** The processes running the old version of {@code module}. */
  public static List<Pid> oldProcesses(String module) {
    ModuleVersion old;
    synchronized (TABLE) {
      old = TABLE.existing(module).old;
    }
    return old == null ? List.of() : old.processes.stream().map(cell -> cell.pid).toList();
  }

  /** How many processes run the old version of {@code module}: {@link #oldProcesses}, without the list. */
  public static int oldProcessCount(String module) {
    ModuleVersion old;
    synchronized (TABLE) {
      old = TABLE.existing(module).old;
    }
    return old == null ? 0 : old.processes.size();
  }

  /** The processes running the current version of {@code module}. */
  public static List<Pid> processes(String module) {
    ModuleVersion current;
    synchronized (TABLE) {
      current = TABLE.existing(module).current;
    }
    return current == null ? List.of() : current.processes.stream().map(cell -> cell.pid).toList();
  }

  /**
   * A new instance of the current version of {@code type}'s class if a loaded module defines a
   * class of that name, else of {@code type} itself. This is how code outside a module starts a
   * process on the module's current code: {@code GenServer.start(CodeServer.newInstance(KV.class), arg)}.
   */
  public static <T> T newInstance(Class<?> type, Class<T> as) {
    Class<?> actual = currentClass(type.getName()).orElse(type);
    try {
      var constructor = actual.getDeclaredConstructor();
      constructor.setAccessible(true);
      return as.cast(constructor.newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot instantiate " + actual.getName() + " from " + actual.getClassLoader()
          + ": it needs a no-argument constructor", e);
    }
  }

  /** Where the current version of {@code module} was read from, to read it again ({@code l}, {@code r} in a console). */
  public static Optional<ModuleSource> source(String module) {
    ModuleVersion current = current(module);
    return current == null ? Optional.empty() : Optional.of(current.source);
  }

  private static ModuleVersion current(String module) {
    synchronized (TABLE) {
      ModuleTable.Entry entry = TABLE.entries.get(module);
      return entry == null ? null : entry.current;
    }
  }

  /** The class files of the current version of {@code module} by class name (copies), empty if it is not loaded: what a console compiles against. */
  public static Map<String, byte[]> classFiles(String module) {
    ModuleVersion current = current(module);
    Map<String, byte[]> copies = new java.util.TreeMap<>();
    if (current != null) {
      current.bytes.forEach((name, bytes) -> copies.put(name, bytes.clone()));
    }
    return copies;
  }

  /** The class named {@code className} in the current version of the module that defines it. */
  public static Optional<Class<?>> currentClass(String className) {
    synchronized (TABLE) {
      for (ModuleTable.Entry entry : TABLE.entries.values()) {
        ModuleVersion current = entry.current;
        if (current != null && current.loader.owns(className)) {
          return Optional.of(current.loader.ownClass(className));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Purged versions whose class loader is still reachable after a GC, with their likely holders.
   * Runs a full GC: a diagnostic, not something to call in a hot loop.
   */
  public static List<Leak> leaks() {
    synchronized (TABLE) {
      return LeakFinder.find(TABLE.purged);
    }
  }

  /** Code changes that failed recently (the last 100), oldest first: each process stayed on its old code. */
  public static List<CodeChangeFailure> failures() {
    return List.copyOf(FAILURES);
  }

  static void reportFailure(CodeChangeFailure failure) {
    FAILURES.add(failure);
    while (FAILURES.size() > 100) {
      FAILURES.removeFirst();
    }
    LOG.error("code change of {} from {} v{} to v{} failed; it stays on v{}: {}", failure.pid(), failure.module(),
        failure.fromVersion(), failure.toVersion(), failure.fromVersion(), failure.reason());
  }

  /** The version of the module a class belongs to, or null for a class outside every module. */
  static ModuleVersion versionOf(Class<?> type) {
    if (type.getClassLoader() instanceof ModuleClassLoader loader) {
      synchronized (TABLE) {
        ModuleTable.Entry entry = TABLE.entries.get(loader.module());
        if (entry != null) {
          for (ModuleVersion version : new ModuleVersion[] {entry.current, entry.old}) {
            if (version != null && version.loader == loader) {
              return version;
            }
          }
        }
      }
    }
    return null;
  }

  static ModuleTable table() {
    return TABLE;
  }

  // ---- internals ---------------------------------------------------------------------

  private static boolean purgeLocked(String module, boolean soft) {
    ModuleTable.Entry entry = TABLE.entries.get(module);
    if (entry == null || entry.old == null) {
      return false;
    }
    ModuleVersion old = entry.old;
    if (soft && !old.processes.isEmpty()) {
      throw new CodeException(CodeException.Kind.IN_USE, "module " + module + ": " + old + " is still run by "
          + old.processes.size() + " processes " + old.processes + "; soft purge refused");
    }
    for (ProcessCell cell : Set.copyOf(old.processes)) {
      LOG.warn("purging {}: killing {}, which still runs it", old, cell.pid);
      Process.exit(cell.pid, ExitReason.kill());
      old.processes.remove(cell);
    }
    entry.old = null;
    Migration.forget(old.loader);
    TABLE.purged.add(new ModuleTable.Purged(module, old.version, new java.lang.ref.WeakReference<>(old.loader),
        List.copyOf(old.bytes.keySet())));
    TABLE.generation++;
    return true;
  }

  static List<String> stickyPrefixes() {
    return STICKY;
  }
}
