package dev.molt.internal.process;

import dev.molt.Pid;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Every live process of the node, by id. */
public final class ProcessTable {
  private static final ConcurrentHashMap<Long, ProcessCell> LIVE = new ConcurrentHashMap<>();

  private ProcessTable() {}

  public static void add(ProcessCell cell) {
    LIVE.put(cell.id, cell);
  }

  public static void remove(ProcessCell cell) {
    LIVE.remove(cell.id, cell);
  }

  public static List<Pid> pids() {
    List<Pid> pids = new ArrayList<>(LIVE.size());
    for (ProcessCell cell : LIVE.values()) {
      pids.add(cell.pid);
    }
    return pids;
  }

  public static ProcessCell byId(long id) {
    return LIVE.get(id);
  }

  public static int count() {
    return LIVE.size();
  }
}
