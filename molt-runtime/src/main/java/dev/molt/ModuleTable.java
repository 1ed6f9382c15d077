package dev.molt;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The code server's state: for each module its current and old version. Every change happens
 * under the table's lock, in {@link #finish} or a purge; reads of {@code current} are volatile
 * so that processes can check at each message whether their module moved on.
 */
final class ModuleTable {
  /** One module: at most a current and an old version. */
  static final class Entry {
    final String name;
    volatile ModuleVersion current;
    volatile ModuleVersion old;
    /**
     * Between {@link CodeServer#finishHeld} and its commit or rollback: the version that will be
     * current. Only an explicit {@link Sys#changeCode} moves a process to it; everything else
     * still sees {@code current}.
     */
    volatile ModuleVersion pending;
    int lastVersion;

    Entry(String name) {
      this.name = name;
    }
  }

  /** A purged version, watched for its class loader to be collected. */
  record Purged(String module, int version, WeakReference<ClassLoader> loader, List<String> classes) {}

  final Map<String, Entry> entries = new LinkedHashMap<>();
  final List<Purged> purged = new ArrayList<>();
  long generation;

  Entry entry(String name) {
    return entries.computeIfAbsent(name, Entry::new);
  }

  Entry existing(String name) {
    Entry entry = entries.get(name);
    if (entry == null || entry.current == null && entry.old == null) {
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

  /** Which loaded module (current version) defines each class, except the modules in {@code skip}. */
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
