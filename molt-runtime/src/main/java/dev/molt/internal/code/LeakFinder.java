package dev.molt.internal.code;

import dev.molt.code.Leak;
import java.lang.ref.Reference;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.sql.Driver;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds purged class loaders that are still reachable, and their likely holders. This is the
 * classic Java redeploy leak (Tomcat, Quarkus dev mode); it is looked for here, not found in
 * production.
 *
 * <p>Threads, their stacks and context class loaders, and JDBC drivers are public. ThreadLocal
 * values and shutdown hooks are private to {@code java.lang}: they are inspected only when the node
 * runs with {@code --add-opens java.base/java.lang=dev.molt.runtime} (or {@code =ALL-UNNAMED} on
 * the class path), and the report says so when it could not look.
 */
final class LeakFinder {
  private LeakFinder() {}

  static List<Leak> find(List<ModuleTable.Purged> purged) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    List<Leak> leaks = new ArrayList<>();
    for (Iterator<ModuleTable.Purged> it = purged.iterator(); it.hasNext(); ) {
      ModuleTable.Purged entry = it.next();
      ClassLoader loader = entry.loader().get();
      if (loader == null) {
        it.remove();
        continue;
      }
      leaks.add(new Leak(entry.module(), entry.version(), holders(loader)));
    }
    return leaks;
  }

  private static List<String> holders(ClassLoader loader) {
    List<String> holders = new ArrayList<>();
    String name = loader.getName();
    for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
      Thread t = thread.getKey();
      if (t.getClass().getClassLoader() == loader) {
        holders.add(
            "thread '"
                + t.getName()
                + "' is an instance of "
                + t.getClass().getName()
                + " from the module");
      } else if (runs(thread.getValue(), name)) {
        holders.add(
            "thread '" + t.getName() + "' runs code of the module; stop it when the module stops");
      } else if (t.getContextClassLoader() == loader) {
        holders.add("thread '" + t.getName() + "' has the module as its context class loader");
      }
      threadLocals(t, loader, holders);
    }
    for (Driver driver : Collections.list(DriverManager.getDrivers())) {
      if (driver.getClass().getClassLoader() == loader) {
        holders.add(
            "JDBC driver "
                + driver.getClass().getName()
                + " is still registered with DriverManager; deregister it");
      }
    }
    shutdownHooks(loader, holders);
    if (holders.isEmpty()) {
      holders.add(
          "no thread, ThreadLocal, JDBC driver or shutdown hook holds it: most likely a static cache outside "
              + "the module (in the stable layer) keeps one of its classes or objects");
    }
    return holders;
  }

  private static boolean runs(StackTraceElement[] stack, String loaderName) {
    for (StackTraceElement frame : stack) {
      if (loaderName.equals(frame.getClassLoaderName())) {
        return true;
      }
    }
    return false;
  }

  private static void threadLocals(Thread thread, ClassLoader loader, List<String> holders) {
    try {
      Field field = Thread.class.getDeclaredField("threadLocals");
      field.setAccessible(true);
      Object map = field.get(thread);
      if (map == null) {
        return;
      }
      Field tableField = map.getClass().getDeclaredField("table");
      tableField.setAccessible(true);
      Object table = tableField.get(map);
      for (int i = 0; i < Array.getLength(table); i++) {
        Object entry = Array.get(table, i);
        if (entry == null) {
          continue;
        }
        Field valueField = entry.getClass().getDeclaredField("value");
        valueField.setAccessible(true);
        Object value = valueField.get(entry);
        Object key = ((Reference<?>) entry).get();
        if (from(value, loader) || from(key, loader)) {
          holders.add(
              "a ThreadLocal of thread '"
                  + thread.getName()
                  + "' holds "
                  + (value == null ? "a value" : value.getClass().getName())
                  + " from the module; remove() it");
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (!holders.contains(NOT_OPEN)) {
        holders.add(NOT_OPEN);
      }
    }
  }

  private static final String NOT_OPEN =
      "ThreadLocals and shutdown hooks were not inspected: run with --add-opens java.base/java.lang=dev.molt.runtime";

  @SuppressWarnings("unchecked")
  private static void shutdownHooks(ClassLoader loader, List<String> holders) {
    try {
      Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
      Field field = hooksClass.getDeclaredField("hooks");
      field.setAccessible(true);
      Map<Thread, Thread> hooks = (Map<Thread, Thread>) field.get(null);
      if (hooks == null) {
        return;
      }
      synchronized (hooksClass) {
        for (Thread hook : hooks.keySet()) {
          if (hook.getClass().getClassLoader() == loader
              || hook.getContextClassLoader() == loader) {
            holders.add(
                "shutdown hook '"
                    + hook.getName()
                    + "' is from the module; remove it with Runtime.removeShutdownHook");
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (!holders.contains(NOT_OPEN)) {
        holders.add(NOT_OPEN);
      }
    }
  }

  private static boolean from(Object value, ClassLoader loader) {
    return value != null && value.getClass().getClassLoader() == loader;
  }
}
