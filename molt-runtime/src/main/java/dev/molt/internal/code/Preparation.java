package dev.molt.internal.code;

import dev.molt.code.CodeException;
import dev.molt.code.ModuleSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code CodeServer.prepare} does: reads, defines and links the new versions of some modules
 * and relinked versions of their dependents, and checks them, without changing the table.
 */
final class Preparation {
  private Preparation() {}

  static PreparedLoad prepare(ModuleTable table, List<ModuleSource> given, boolean purgeFirst) {
    List<ModuleSource> sources = inDependencyOrder(given);
    Map<String, ModuleSource> byName = new LinkedHashMap<>();
    for (ModuleSource source : sources) {
      if (byName.put(source.name(), source) != null) {
        throw new IllegalArgumentException("module " + source.name() + " is given twice");
      }
    }
    Map<String, ClassBytes.Read> reads = new LinkedHashMap<>();
    for (ModuleSource source : sources) {
      ClassBytes.Read read = ClassBytes.read(source, compileClasspath(table, source, reads));
      LoadChecks.sticky(source.name(), read.bytes().keySet());
      reads.put(source.name(), read);
    }
    synchronized (table) {
      LoadChecks.conflicts(table, reads, byName.keySet());
      if (!purgeFirst) {
        for (String name : byName.keySet()) {
          LoadChecks.purged(table, name);
        }
      }
      Map<String, ModuleVersion> prepared = new LinkedHashMap<>();
      List<ModuleVersion> loaded = new ArrayList<>();
      for (ModuleSource source : sources) {
        ClassBytes.Read read = reads.get(source.name());
        ModuleVersion version = newVersion(table, source, read.bytes(), read.stamps(), 0, prepared);
        prepared.put(source.name(), version);
        loaded.add(version);
      }
      List<ModuleVersion> relinked = new ArrayList<>();
      for (ModuleVersion dependent : table.dependents(byName.keySet())) {
        if (!purgeFirst) {
          LoadChecks.purged(table, dependent.name());
        }
        ModuleVersion copy =
            newVersion(
                table,
                dependent.source,
                dependent.bytes,
                dependent.stamps,
                dependent.relinkOf == 0 ? dependent.version : dependent.relinkOf,
                prepared);
        prepared.put(dependent.name(), copy);
        relinked.add(copy);
      }
      for (ModuleVersion version : prepared.values()) {
        LinkCheck.check(version);
      }
      for (ModuleVersion version : loaded) {
        MigrationCheck.check(version.entry.current, version);
      }
      for (ModuleVersion version : relinked) {
        Statics.prepare(version); // the switch only calls the hooks it finds now
      }
      return new PreparedLoad(
          List.copyOf(loaded), List.copyOf(relinked), table.generation, purgeFirst);
    }
  }

  /**
   * {@code sources} with each after the ones of the batch it depends on, so that it links to their
   * new versions rather than to the ones running; ties, and modules that depend on each other in a
   * cycle, keep the order given.
   */
  static List<ModuleSource> inDependencyOrder(List<ModuleSource> sources) {
    java.util.Set<String> inBatch = new java.util.HashSet<>();
    sources.forEach(source -> inBatch.add(source.name()));
    List<ModuleSource> left = new ArrayList<>(sources);
    java.util.Set<String> placed = new java.util.HashSet<>();
    List<ModuleSource> ordered = new ArrayList<>();
    while (!left.isEmpty()) {
      ModuleSource next =
          left.stream()
              .filter(
                  s ->
                      s.dependsOn().stream()
                          .allMatch(d -> !inBatch.contains(d) || placed.contains(d)))
              .findFirst()
              .orElse(left.getFirst()); // a cycle: the order given
      left.remove(next);
      placed.add(next.name());
      ordered.add(next);
    }
    return ordered;
  }

  private static ModuleVersion newVersion(
      ModuleTable table,
      ModuleSource source,
      Map<String, byte[]> bytes,
      Map<String, Long> stamps,
      int relinkOf,
      Map<String, ModuleVersion> prepared) {
    List<ModuleClassLoader> dependencies = new ArrayList<>();
    for (String dependency : source.dependsOn()) {
      ModuleVersion version = prepared.get(dependency);
      if (version == null) {
        ModuleTable.Entry entry = table.entries.get(dependency);
        version = entry == null ? null : entry.current;
      }
      if (version == null) {
        throw new CodeException(
            CodeException.Kind.NOT_FOUND,
            "module "
                + source.name()
                + " depends on "
                + dependency
                + ", which is not loaded; load it first or with it");
      }
      dependencies.add(version.loader);
    }
    ModuleTable.Entry entry = table.entry(source.name());
    return new ModuleVersion(
        source,
        entry,
        entry.lastVersion + 1,
        Map.copyOf(bytes),
        stamps,
        relinkOf,
        dependencies,
        ModuleTable.class.getClassLoader());
  }

  /**
   * The classes a module's sources compile against: its dependencies, as being loaded or as loaded
   * now.
   */
  private static List<Map<String, byte[]>> compileClasspath(
      ModuleTable table, ModuleSource source, Map<String, ClassBytes.Read> reading) {
    List<Map<String, byte[]>> classes = new ArrayList<>();
    if (source.kind() != ModuleSource.Kind.SOURCES) {
      return classes;
    }
    synchronized (table) {
      for (String dependency : source.dependsOn()) {
        ClassBytes.Read read = reading.get(dependency);
        if (read != null) {
          classes.add(read.bytes());
          continue;
        }
        ModuleTable.Entry entry = table.entries.get(dependency);
        if (entry != null && entry.current != null) {
          classes.add(entry.current.bytes);
        }
      }
    }
    return classes;
  }
}
