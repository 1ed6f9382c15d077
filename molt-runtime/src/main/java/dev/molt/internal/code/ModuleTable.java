package dev.molt.internal.code;

import dev.molt.ExitReason;
import dev.molt.code.CodeChangeFailure;
import dev.molt.code.CodeException;
import dev.molt.code.Leak;
import dev.molt.code.LoadResult;
import dev.molt.code.ModuleInfo;
import dev.molt.code.ModuleSource;
import dev.molt.code.Prepared;
import dev.molt.internal.migration.Migrator;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.Signals;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code server's state, and its only writer: for each module its current, old and pending
 * version, and for each version the processes that run it.
 *
 * <p>Every change to which version is current, old or pending happens here, under the table's lock:
 * {@link #finish}, {@link #hold}, {@link #commit}, {@link #rollback}, {@link #purge}, {@link
 * #delete}. So does every change to which process runs which version: {@link #enter} when a server
 * starts on module code, {@link #move} when its code changes, and {@link ProcessCell.Runs#ended}
 * when it ends. Reads of {@code current} and {@code pending} are volatile, so that a process can
 * check at each message whether its module moved on.
 *
 * <table>
 *   <caption>A module's versions</caption>
 *   <tr><th>operation</th><th>before</th><th>after</th></tr>
 *   <tr><td>finish</td><td>current A, no old</td><td>current B, old A</td></tr>
 *   <tr><td>finish</td><td>current B, old A</td><td>refused ({@code NOT_PURGED}) unless purging first</td></tr>
 *   <tr><td>hold</td><td>current A, no old</td><td>current A, pending B</td></tr>
 *   <tr><td>commit</td><td>current A, pending B</td><td>current B, old A</td></tr>
 *   <tr><td>rollback</td><td>current A, pending B</td><td>current A; B purged</td></tr>
 *   <tr><td>purge</td><td>old A</td><td>no old; processes still on A are killed</td></tr>
 *   <tr><td>soft purge</td><td>old A</td><td>no old, or refused ({@code IN_USE}) while processes run A</td></tr>
 *   <tr><td>delete</td><td>current B, no old</td><td>no current, old B</td></tr>
 * </table>
 */
public final class ModuleTable {
  private static final Logger LOG = LoggerFactory.getLogger(ModuleTable.class);
  private static final ModuleTable NODE = new ModuleTable();

  /** One module: at most a current, an old and a pending version. */
  static final class Entry {
    final String name;
    volatile ModuleVersion current;
    volatile ModuleVersion old;

    /**
     * Between {@link #hold} and its commit or rollback: the version that will be current. Only an
     * explicit code change moves a process to it; everything else still sees {@code current}.
     */
    volatile ModuleVersion pending;

    /**
     * Set when an install that holds {@link #pending} rolls back: from then on no code change moves
     * a process to it, however late its request is handled.
     */
    volatile boolean withdrawn;

    int lastVersion;

    Entry(String name) {
      this.name = name;
    }
  }

  /** A purged version, watched for its class loader to be collected. */
  record Purged(
      String module, int version, WeakReference<ClassLoader> loader, List<String> classes) {}

  final Map<String, Entry> entries = new LinkedHashMap<>();
  final List<Purged> purged = new ArrayList<>();
  long generation;
  private final List<CodeChangeFailure> failures = new CopyOnWriteArrayList<>();

  private ModuleTable() {}

  /** The node's table. */
  public static ModuleTable node() {
    return NODE;
  }

  // ---- loading ---------------------------------------------------------------------------

  /** Reads, defines, links and checks a load without changing anything; see {@link Preparation}. */
  public PreparedLoad prepare(List<ModuleSource> sources, boolean purgeFirst) {
    return Preparation.prepare(this, sources, purgeFirst);
  }

  /**
   * Switches every module of {@code prepared} in at once; fails, changing nothing, if the table
   * moved since.
   */
  public LoadResult finish(Prepared prepared) {
    PreparedLoad load = PreparedLoad.of(prepared);
    List<ModuleVersion> all = load.all();
    synchronized (this) {
      readyToSwitch(load, all);
      for (ModuleVersion version : all) {
        Statics.carry(version.entry.current, version);
      }
      for (ModuleVersion version : all) {
        Entry entry = version.entry;
        if (!replacesFailedCurrent(entry)) {
          entry.old = entry.current;
        }
        entry.lastVersion = version.version;
        entry.current = version;
      }
      generation++;
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "switched {}{}",
          load.loaded,
          load.relinked.isEmpty() ? "" : ", relinked " + load.relinked);
    }
    return load.result;
  }

  /**
   * Finishes a load without switching: its versions become pending. Until {@link #commit} only an
   * explicit code change moves a process to them; {@link #rollback} drops them.
   */
  public void hold(Prepared prepared) {
    PreparedLoad load = PreparedLoad.of(prepared);
    List<ModuleVersion> all = load.all();
    synchronized (this) {
      readyToSwitch(load, all);
      for (ModuleVersion version : all) {
        Statics.carry(version.entry.current, version);
      }
      for (ModuleVersion version : all) {
        version.entry.lastVersion = version.version;
        version.entry.withdrawn = false;
        version.entry.pending = version;
      }
      generation++;
    }
  }

  /**
   * Under the lock: refuses a load prepared before the table moved, or one whose module has a
   * pending version; purges old code first if the load asked for it, else refuses a module that
   * still has some.
   */
  private void readyToSwitch(PreparedLoad load, List<ModuleVersion> all) {
    if (generation != load.generation) {
      throw new IllegalStateException(
          "modules changed since this load was prepared; prepare it again");
    }
    for (ModuleVersion version : all) {
      if (version.entry.pending != null) {
        throw new IllegalStateException(
            "module "
                + version.name()
                + " has a pending version "
                + version.entry.pending
                + " (an install is in progress); commit or roll it back first");
      }
    }
    if (load.purgeFirst) {
      for (ModuleVersion version : all) {
        purgeLocked(version.name(), false);
      }
    }
    for (ModuleVersion version : all) {
      LoadChecks.purged(this, version.name());
    }
  }

  /** Makes the pending versions of {@link #hold} current, all at once. */
  public LoadResult commit(Prepared prepared) {
    PreparedLoad load = PreparedLoad.of(prepared);
    synchronized (this) {
      for (ModuleVersion version : load.all()) {
        Entry entry = version.entry;
        if (entry.pending != version) {
          throw new IllegalStateException(version + " is not pending; nothing to commit");
        }
        if (!replacesFailedCurrent(entry)) {
          entry.old = entry.current;
        }
        entry.current = version;
        entry.pending = null;
        entry.withdrawn = false;
      }
      generation++;
    }
    return load.result;
  }

  /**
   * The first step of a rollback: no code change moves a process to the pending versions of {@code
   * prepared} from now on, so that those that moved can be reverted before {@link #rollback} kills
   * whatever still runs them.
   */
  public synchronized void withdraw(Prepared prepared) {
    for (ModuleVersion version : PreparedLoad.of(prepared).all()) {
      if (version.entry.pending == version) {
        version.entry.withdrawn = true;
      }
    }
  }

  /**
   * Drops the pending versions of {@link #hold}: what was current stays current, and the dropped
   * versions are purged (a process still on one is killed, with a warning).
   */
  public void rollback(Prepared prepared) {
    PreparedLoad load = PreparedLoad.of(prepared);
    synchronized (this) {
      for (ModuleVersion version : load.all()) {
        Entry entry = version.entry;
        if (entry.pending != version) {
          throw new IllegalStateException(version + " is not pending; nothing to roll back");
        }
        killAll(version, "rolling back");
        entry.pending = null;
        entry.withdrawn = false;
        Migrator.forget(version.loader);
        for (ModuleVersion from : new ModuleVersion[] {entry.current, entry.old}) {
          if (from != null) {
            Migrator.forgetTarget(from.loader, version.loader);
          }
        }
        purged.add(
            new Purged(
                version.name(),
                version.version,
                new WeakReference<>(version.loader),
                List.copyOf(version.bytes.keySet())));
      }
      generation++;
    }
    LOG.info(
        "rolled back {}{}",
        load.loaded,
        load.relinked.isEmpty() ? "" : ", relinked " + load.relinked);
  }

  /**
   * Removes the old code of {@code module}; with {@code soft}, refused while processes run it.
   * False if there was none.
   */
  public synchronized boolean purge(String module, boolean soft) {
    existing(module);
    return purgeLocked(module, soft);
  }

  private boolean purgeLocked(String module, boolean soft) {
    Entry entry = entries.get(module);
    if (entry == null || entry.old == null) {
      return false;
    }
    ModuleVersion old = entry.old;
    if (soft && !old.processes.isEmpty()) {
      throw new CodeException(
          CodeException.Kind.IN_USE,
          "module "
              + module
              + ": "
              + old
              + " is still run by "
              + old.processes.size()
              + " processes "
              + old.processes
              + "; soft purge refused");
    }
    killAll(old, "purging");
    entry.old = null;
    Migrator.forget(old.loader);
    purged.add(
        new Purged(
            module, old.version, new WeakReference<>(old.loader), List.copyOf(old.bytes.keySet())));
    generation++;
    return true;
  }

  /**
   * Fixing forward: when a module's old version still runs processes because the code change to its
   * current version failed in every one of them, a newer version replaces the current one (purged:
   * nothing runs it) and the old one stays, for its processes to move on to the newer. Under the
   * lock; true if it did.
   */
  private boolean replacesFailedCurrent(Entry entry) {
    ModuleVersion current = entry.current;
    if (!LoadChecks.fixesForward(entry)) {
      return false;
    }
    Migrator.forget(current.loader);
    purged.add(
        new Purged(
            current.name(),
            current.version,
            new WeakReference<>(current.loader),
            List.copyOf(current.bytes.keySet())));
    LOG.info(
        "{} took no process (its code change failed); it is replaced, and {} stays old",
        current,
        entry.old);
    return true;
  }

  private void killAll(ModuleVersion version, String why) {
    for (ProcessCell cell : Set.copyOf(version.processes)) {
      LOG.warn("{} {}: killing {}, which still runs it", why, version, cell.pid);
      Signals.exit(cell, null, ExitReason.kill(), false);
      leave(cell, version);
    }
  }

  /** Makes the current code of {@code module} old: new processes can no longer start on it. */
  public synchronized void delete(String module) {
    Entry entry = existing(module);
    LoadChecks.purged(this, module);
    if (entry.current == null) {
      throw new CodeException(
          CodeException.Kind.NOT_FOUND, "module " + module + " has no current code to delete");
    }
    entry.old = entry.current;
    entry.current = null;
    generation++;
  }

  // ---- which process runs which version ------------------------------------------------------

  /** {@code cell} starts running {@code version}. */
  public void enter(ProcessCell cell, ModuleVersion version) {
    enter(cell, version, version);
  }

  /**
   * {@code cell} starts running {@code version}, recorded in the cell as {@code recordedAs}: the
   * version itself, or a server's loop that stands in for whichever version it runs (so that a code
   * change writes nothing in the cell).
   */
  public void enter(ProcessCell cell, ModuleVersion version, ProcessCell.Runs recordedAs) {
    version.processes.add(cell);
    cell.runs = recordedAs;
  }

  /**
   * {@code cell}'s code changed from {@code from} to {@code to} (or back, when a change is undone).
   */
  public void move(ProcessCell cell, ModuleVersion from, ModuleVersion to) {
    from.processes.remove(cell);
    to.processes.add(cell);
    if (cell.runs == from) {
      cell.runs = to; // a server's loop stands in for its version and follows it by itself
    }
  }

  /** {@code cell} ended while it ran {@code version}, or was killed off it. */
  void leave(ProcessCell cell, ModuleVersion version) {
    version.processes.remove(cell);
    ProcessCell.Runs recorded = cell.runs;
    if (recorded == version || (recorded != null && recorded.now() == version)) {
      cell.runs = null; // a dead process's cell, kept by a pid, keeps no version
    }
  }

  // ---- failures --------------------------------------------------------------------------------

  /** Failed code changes into one version that are logged one by one; the rest are counted. */
  private static final int LOGGED_FAILURES = 10;

  /**
   * Keeps a failed code change into {@code target} (the last 100) and logs it: the first {@value
   * #LOGGED_FAILURES} into a version one by one, then one line saying the rest are counted.
   */
  public void reportFailure(CodeChangeFailure failure, ModuleVersion target) {
    int count = target.failedInto.incrementAndGet();
    failures.add(failure);
    while (failures.size() > 100) {
      failures.removeFirst();
    }
    if (count > LOGGED_FAILURES) {
      // an install of 100,000 whose codeChange throws would log 100,000 lines, in its pause
      if (count == LOGGED_FAILURES + 1) {
        LOG.error(
            "more code changes of {} to v{} failed; they are counted, not logged"
                + " (CodeServer.failures() keeps the last 100)",
            failure.module(),
            failure.toVersion());
      }
      return;
    }
    LOG.error(
        "code change of {} from {} v{} to v{} failed; it stays on v{}: {}",
        failure.pid(),
        failure.module(),
        failure.fromVersion(),
        failure.toVersion(),
        failure.fromVersion(),
        failure.reason());
  }

  public List<CodeChangeFailure> failures() {
    return List.copyOf(failures);
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** Every loaded version, current and old, in load order. */
  public synchronized List<ModuleInfo> allLoaded() {
    List<ModuleInfo> infos = new ArrayList<>();
    for (Entry entry : entries.values()) {
      if (entry.current != null) {
        infos.add(entry.current.info(ModuleInfo.Status.CURRENT));
      }
      if (entry.old != null) {
        infos.add(entry.old.info(ModuleInfo.Status.OLD));
      }
    }
    return infos;
  }

  /** The current version of every module, in load order. */
  public synchronized List<ModuleVersion> currentVersions() {
    List<ModuleVersion> versions = new ArrayList<>();
    for (Entry entry : entries.values()) {
      if (entry.current != null) {
        versions.add(entry.current);
      }
    }
    return versions;
  }

  /** The current version of {@code module}, or null. */
  public synchronized ModuleVersion current(String module) {
    Entry entry = entries.get(module);
    return entry == null ? null : entry.current;
  }

  /** The old version of {@code module}, or null; an unknown module is an error. */
  public synchronized ModuleVersion old(String module) {
    return existing(module).old;
  }

  /** The current version of {@code module}; an unknown module is an error. */
  public synchronized ModuleVersion currentOfKnown(String module) {
    return existing(module).current;
  }

  /** The version of the module a class belongs to, or null for a class outside every module. */
  public ModuleVersion versionOf(Class<?> type) {
    if (type.getClassLoader() instanceof ModuleClassLoader loader) {
      synchronized (this) {
        Entry entry = entries.get(loader.module());
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

  /**
   * The class named {@code className} in the current version of the module that defines it, or
   * null.
   */
  public synchronized Class<?> currentClass(String className) {
    for (Entry entry : entries.values()) {
      ModuleVersion current = entry.current;
      if (current != null && current.loader.owns(className)) {
        return current.loader.ownClass(className);
      }
    }
    return null;
  }

  /**
   * Purged versions whose class loader is still reachable after a GC, with their likely holders.
   */
  public synchronized List<Leak> leaks() {
    return LeakFinder.find(purged);
  }

  Entry entry(String name) {
    return entries.computeIfAbsent(name, Entry::new);
  }

  Entry existing(String name) {
    Entry entry = entries.get(name);
    if (entry == null || (entry.current == null && entry.old == null)) {
      throw new CodeException(CodeException.Kind.NOT_FOUND, "module " + name + " is not loaded");
    }
    return entry;
  }

  /** Loaded modules (current versions) that depend, directly or not, on one of {@code names}. */
  List<ModuleVersion> dependents(Set<String> names) {
    Set<String> affected = new HashSet<>(names);
    List<ModuleVersion> result = new ArrayList<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Entry entry : entries.values()) {
        ModuleVersion current = entry.current;
        if (current == null || affected.contains(entry.name)) {
          continue;
        }
        for (String dependency : current.source.dependsOn()) {
          if (affected.contains(dependency)) {
            affected.add(entry.name);
            result.add(current);
            grew = true;
            break;
          }
        }
      }
    }
    return result;
  }

  /**
   * Which loaded module (current version) defines each class, except the modules in {@code skip}.
   */
  Map<String, String> owners(Set<String> skip) {
    Map<String, String> owners = new HashMap<>();
    for (Entry entry : entries.values()) {
      ModuleVersion current = entry.current;
      if (current != null && !skip.contains(entry.name)) {
        for (String className : current.bytes.keySet()) {
          owners.put(className, entry.name);
        }
      }
    }
    return owners;
  }
}
