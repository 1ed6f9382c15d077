package dev.molt;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One version of a module: what was loaded (immutable), its class loader, and the processes
 * that run it (the runtime's own index, which upgrades use instead of walking supervisors).
 */
final class ModuleVersion {
  final ModuleSource source;
  final ModuleTable.Entry entry;
  final int version;
  final Map<String, byte[]> bytes;
  final Map<String, Long> stamps;
  final Instant loadedAt;
  final int relinkOf;
  final ModuleClassLoader loader;
  /** Sized for the processes of the version it follows, which usually all move to it. */
  final Set<ProcessCell> processes;
  private final Map<Class<?>, java.lang.reflect.Constructor<?>> constructors = new ConcurrentHashMap<>();

  ModuleVersion(ModuleSource source, ModuleTable.Entry entry, int version, Map<String, byte[]> bytes,
      Map<String, Long> stamps, int relinkOf, List<ModuleClassLoader> dependencies, ClassLoader stable) {
    this.source = source;
    this.entry = entry;
    this.version = version;
    this.bytes = bytes;
    this.stamps = stamps;
    this.loadedAt = Instant.now();
    this.relinkOf = relinkOf;
    this.loader = new ModuleClassLoader(source.name(), version, bytes, dependencies, stable);
    ModuleVersion current = entry.current;
    this.processes = ConcurrentHashMap.newKeySet(current == null ? 16 : Math.max(16, current.processes.size()));
  }

  /** Whether a newer version of this module is current: its processes should move on. */
  /** Whether processes on this version should move to the current one at their next message. */
  boolean superseded() {
    ModuleVersion current = entry.current;
    return current != this && current != null && entry.pending != this;
  }

  String name() {
    return source.name();
  }

  /** The no-argument constructor of one of this version's classes, looked up once. */
  java.lang.reflect.Constructor<?> constructor(Class<?> type) {
    return constructors.computeIfAbsent(type, t -> {
      try {
        var constructor = t.getDeclaredConstructor();
        constructor.setAccessible(true);
        return constructor;
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(t.getName() + " needs a no-argument constructor to be started or switched to", e);
      }
    });
  }

  ModuleInfo info(ModuleInfo.Status status) {
    return new ModuleInfo(name(), version, status, origin(), loadedAt, List.copyOf(new java.util.TreeSet<>(bytes.keySet())), relinkOf);
  }

  String origin() {
    return source.kind() == ModuleSource.Kind.SOURCES ? "sources " + source.paths() : source.paths().getFirst().toString();
  }

  @Override
  public String toString() {
    return name() + " v" + version;
  }
}
