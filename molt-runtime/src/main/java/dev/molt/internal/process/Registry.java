package dev.molt.internal.process;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Local names of processes. A process has at most one name; a dead process has none. */
public final class Registry {
  private static final ConcurrentHashMap<String, ProcessCell> NAMES = new ConcurrentHashMap<>();

  private Registry() {}

  public static void register(String name, ProcessCell cell) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a registered name must not be null or blank");
    }
    synchronized (cell) {
      if (!cell.isAlive()) {
        throw new IllegalArgumentException(
            "cannot register " + name + ": process " + cell.pid + " is not alive");
      }
      if (cell.name != null) {
        throw new IllegalStateException(
            "cannot register "
                + cell.pid
                + " as "
                + name
                + ": it is already registered as "
                + cell.name);
      }
      ProcessCell holder = NAMES.putIfAbsent(name, cell);
      if (holder != null) {
        throw new IllegalStateException(
            "name "
                + name
                + " is already registered by process "
                + holder.pid
                + "; unregister it first or pick another name");
      }
      cell.name = name;
    }
    if (!cell.isAlive()) {
      release(name, cell);
    }
  }

  public static boolean unregister(String name) {
    ProcessCell cell = NAMES.get(name);
    if (cell == null) {
      return false;
    }
    release(name, cell);
    return true;
  }

  public static void release(String name, ProcessCell cell) {
    synchronized (cell) {
      if (NAMES.remove(name, cell)) {
        cell.name = null;
      }
    }
  }

  public static ProcessCell whereis(String name) {
    return NAMES.get(name);
  }

  public static List<String> registered() {
    return List.copyOf(NAMES.keySet());
  }
}
