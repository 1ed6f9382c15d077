package dev.molt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Every live process of the node, by id. */
final class ProcessTable {
  private static final ConcurrentHashMap<Long, ProcessCell> LIVE = new ConcurrentHashMap<>();

  private ProcessTable() {}

  static void add(ProcessCell cell) {
    LIVE.put(cell.id, cell);
  }

  static void remove(ProcessCell cell) {
    LIVE.remove(cell.id, cell);
  }

  static List<Pid> pids() {
    List<Pid> pids = new ArrayList<>(LIVE.size());
    for (ProcessCell cell : LIVE.values()) {
      pids.add(cell.pid);
    }
    return pids;
  }

  static ProcessCell byId(long id) {
    return LIVE.get(id);
  }

  static int count() {
    return LIVE.size();
  }
}
