package dev.molt.internal.code;

import dev.molt.code.CodeException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** The checks a load makes before it changes anything, and the stable layer's packages. */
public final class LoadChecks {
  /** The packages of the Molt runtime, which no module may define. */
  private static final Set<String> RUNTIME =
      Set.of("dev.molt", "dev.molt.behaviour", "dev.molt.code", "dev.molt.sys");

  private static final List<String> STICKY =
      new CopyOnWriteArrayList<>(
          List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "dev.molt.internal."));

  private static final ClassLoader STABLE_LOADER = LoadChecks.class.getClassLoader();

  private LoadChecks() {}

  /**
   * Of {@code classNames}, those a module may not define, each with why: the runtime's, the stable
   * prefixes', and the stable layer's ({@link StableLayer}).
   */
  public static Map<String, String> refused(Iterable<String> classNames) {
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    for (String className : classNames) {
      String why = why(className);
      if (why != null) {
        refused.put(className, why);
      }
    }
    return refused;
  }

  /** Why no module may define {@code className}, or null if one may. */
  private static String why(String className) {
    String pkg =
        className.lastIndexOf('.') < 0 ? "" : className.substring(0, className.lastIndexOf('.'));
    if (RUNTIME.contains(pkg)) {
      return "a class of the Molt runtime";
    }
    for (String prefix : STICKY) {
      if (className.startsWith(prefix)) {
        return "in the stable layer (" + prefix + "*)";
      }
    }
    return StableLayer.claims(className, STABLE_LOADER);
  }

  /** Marks {@code module} as a third-party library ({@link Statics#library}). */
  public static void library(String module) {
    Statics.library(module);
  }

  /**
   * Declares the classes under {@code packagePrefix} part of the stable layer: no module may define
   * them.
   */
  public static void stable(String packagePrefix) {
    STICKY.add(packagePrefix);
  }

  static void sticky(String module, Set<String> classNames) {
    for (String className : classNames) {
      String why = why(className);
      if (why != null) {
        throw new CodeException(
            CodeException.Kind.STICKY,
            "module "
                + module
                + " defines "
                + className
                + ", "
                + why
                + "; the runtime and the stable layer (the JDK, Molt, the node's libraries) are"
                + " sticky: a module cannot replace or extend them (upgrade them by restarting the"
                + " node)");
      }
    }
  }

  static void conflicts(
      ModuleTable table, Map<String, ClassBytes.Read> reads, Set<String> loading) {
    Map<String, String> owners = table.owners(loading);
    Map<String, String> mine = new HashMap<>();
    for (Map.Entry<String, ClassBytes.Read> read : reads.entrySet()) {
      for (String className : read.getValue().bytes().keySet()) {
        String owner = owners.get(className);
        if (owner == null) {
          owner = mine.putIfAbsent(className, read.getKey());
        }
        if (owner != null) {
          throw new CodeException(
              CodeException.Kind.CONFLICT,
              "module "
                  + read.getKey()
                  + " defines "
                  + className
                  + ", which module "
                  + owner
                  + " already defines; a class belongs to one module");
        }
      }
    }
  }

  /**
   * Whether a load may replace the current version of {@code entry} though its old version still
   * runs processes: the current one took no process, and a code change into it failed.
   */
  static boolean fixesForward(ModuleTable.Entry entry) {
    ModuleVersion current = entry.current;
    return entry.old != null
        && current != null
        && current.processes.isEmpty()
        && current.failedInto.get() > 0;
  }

  static void purged(ModuleTable table, String module) {
    ModuleTable.Entry entry = table.entries.get(module);
    if (entry != null && entry.old != null && !fixesForward(entry)) {
      int holders = entry.old.processes.size();
      String prefix =
          "module " + module + " v" + (entry.lastVersion + 1) + " cannot be loaded: " + entry.old;
      throw new CodeException(
          CodeException.Kind.NOT_PURGED,
          holders == 0
              ? prefix + " is still old code, run by no process; purge it (softPurge) first"
              : prefix
                  + " is still old code held by "
                  + holders
                  + " process"
                  + (holders == 1 ? "" : "es")
                  + "; purge it or wait");
    }
  }
}
