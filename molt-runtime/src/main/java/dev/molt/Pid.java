package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.internal.process.ProcessCell;
import org.apiguardian.api.API;

/**
 * The identity of a process. Pids are compared by identity of the process they name; a pid outlives
 * its process and then names a dead one.
 */
@API(status = STABLE, since = "0.1")
public final class Pid {
  final ProcessCell cell;

  Pid(ProcessCell cell) {
    this.cell = cell;
  }

  /** A number unique among the processes of this node. */
  public long id() {
    return cell.id;
  }

  /** Whether the process is still alive. */
  public boolean isAlive() {
    return cell.isAlive();
  }

  @Override
  public String toString() {
    return "<0." + cell.id + ".0>";
  }
}
