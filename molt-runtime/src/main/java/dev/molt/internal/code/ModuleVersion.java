package dev.molt.internal.code;

import dev.molt.Pid;
import dev.molt.code.ModuleInfo;
import dev.molt.code.ModuleSource;
import dev.molt.internal.process.ProcessCell;
import java.lang.reflect.Constructor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One version of a module: what was loaded (immutable), its class loader, and the processes that
 * run it (the runtime's own index, which upgrades use instead of walking supervisors). The index
 * and the version's place in its module (current, old, pending) are the {@link ModuleTable}'s to
 * change; everyone else reads them.
 */
public final class ModuleVersion implements ProcessCell.Runs {
  final ModuleSource source;
  final ModuleTable.Entry entry;
  public final int version;
  final Map<String, byte[]> bytes;
  final Map<String, Long> stamps;
  final Instant loadedAt;
  final int relinkOf;
  public final ModuleClassLoader loader;

  /**
   * Written only by the table. Sized for the processes of the version it follows, which usually all
   * move to it.
   */
  final Set<ProcessCell> processes;

  private final Map<Class<?>, Constructor<?>> constructors = new ConcurrentHashMap<>();

  /** {@link #newCallbacks} of classes without instance fields, one each. */
  private final Map<Class<?>, Object> sharedCallbacks = new ConcurrentHashMap<>();

  /**
   * How many code changes into this version failed: a version that took no process can be replaced.
   */
  final AtomicInteger failedInto = new AtomicInteger();

  /**
   * Class name to its static {@code codeChange(Class<?>)} hook, for the classes that have one;
   * found when the version is prepared, so that the switch only calls them.
   */
  volatile Map<String, java.lang.reflect.Method> staticHooks;

  ModuleVersion(
      ModuleSource source,
      ModuleTable.Entry entry,
      int version,
      Map<String, byte[]> bytes,
      Map<String, Long> stamps,
      int relinkOf,
      List<ModuleClassLoader> dependencies,
      ClassLoader stable) {
    this.source = source;
    this.entry = entry;
    this.version = version;
    this.bytes = bytes;
    this.stamps = stamps;
    this.loadedAt = Instant.now();
    this.relinkOf = relinkOf;
    this.loader = new ModuleClassLoader(source.name(), version, bytes, dependencies, stable);
    ModuleVersion current = entry.current;
    this.processes =
        ConcurrentHashMap.newKeySet(current == null ? 16 : Math.max(16, current.processes.size()));
  }

  /**
   * Whether another version of this module is in play (an old or a pending one, or this one is no
   * longer current): when values of two versions can meet.
   */
  public boolean inTransition() {
    ModuleTable.Entry e = entry;
    return e.old != null || e.pending != null || e.current != this;
  }

  public String name() {
    return source.name();
  }

  /** Whether processes on this version should move to the current one at their next message. */
  public boolean superseded() {
    ModuleVersion current = entry.current;
    return current != this && current != null && entry.pending != this;
  }

  /** The module's current version (null once deleted). */
  public ModuleVersion current() {
    return entry.current;
  }

  /**
   * Where an explicit code change of a process on this version goes: the module's pending version
   * while an install holds one, else its current version (null once deleted).
   */
  public ModuleVersion changeTarget() {
    ModuleVersion pending = entry.pending;
    return pending != null && !entry.withdrawn ? pending : entry.current;
  }

  /** The processes that run this version, as pids (a snapshot). */
  public List<Pid> pids() {
    return processes.stream().map(cell -> cell.pid).toList();
  }

  /**
   * The processes of {@link #pids} that are servers ({@code GenServer}s, supervisors), which take
   * system requests: what an upgrade suspends and moves. A plain process cannot change its code.
   */
  public List<Pid> serverPids() {
    // each cell is a cache miss: a large version (an install of 1,000,000) is read on every core
    var cells = processes.size() > 10_000 ? processes.parallelStream() : processes.stream();
    return cells.filter(cell -> cell.behaviour != null).map(cell -> cell.pid).toList();
  }

  public int processCount() {
    return processes.size();
  }

  public ModuleSource source() {
    return source;
  }

  /** The class files of this version by class name (shared: do not change them). */
  public Map<String, byte[]> bytes() {
    return bytes;
  }

  /** Whether the module's files on disk changed since this version was read from them. */
  public boolean modifiedOnDisk() {
    return !ClassBytes.stamps(source).equals(stamps);
  }

  @Override
  public void ended(ProcessCell process) {
    ModuleTable.node().leave(process, this);
  }

  /**
   * A callbacks object of one of this version's classes, for a process moving to this version: one
   * shared instance when the class (and every superclass below {@code Object}) declares no instance
   * field, as callbacks should ({@code GenServer}: state is passed in and returned), since such an
   * object cannot tell its users apart; a new one otherwise. An install of 1,000,000 servers then
   * makes no object per server for their callbacks.
   */
  public Object newCallbacks(Class<?> type) throws ReflectiveOperationException {
    Object shared = sharedCallbacks.get(type);
    if (shared != null) {
      return shared;
    }
    Object made = constructor(type).newInstance();
    if (hasNoInstanceFields(type)) {
      Object first = sharedCallbacks.putIfAbsent(type, made);
      return first == null ? made : first;
    }
    return made;
  }

  private static boolean hasNoInstanceFields(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (java.lang.reflect.Field field : c.getDeclaredFields()) {
        if (!java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
          return false;
        }
      }
    }
    return true;
  }

  /** The no-argument constructor of one of this version's classes, looked up once. */
  public Constructor<?> constructor(Class<?> type) {
    return constructors.computeIfAbsent(
        type,
        t -> {
          try {
            var constructor = t.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor;
          } catch (NoSuchMethodException e) {
            throw new IllegalStateException(
                t.getName() + " needs a no-argument constructor to be started or switched to", e);
          }
        });
  }

  public ModuleInfo info(ModuleInfo.Status status) {
    return new ModuleInfo(
        name(),
        version,
        status,
        origin(),
        loadedAt,
        List.copyOf(new TreeSet<>(bytes.keySet())),
        relinkOf);
  }

  String origin() {
    return source.kind() == ModuleSource.Kind.SOURCES
        ? "sources " + source.paths()
        : source.paths().getFirst().toString();
  }

  @Override
  public String toString() {
    return name() + " v" + version;
  }
}
