package dev.molt.internal.server;

import dev.molt.Pid;
import dev.molt.internal.process.ProcessCell;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One suspension of many servers by an install ({@code Upgrade.suspendAndChangeCodeAll}), lifted
 * for all of them at once ({@link #lift}) instead of by a resume sent to each. An install of
 * 1,000,000 idle servers spent 0.4 to 0.8 s of its pause resuming them one by one, each a few cache
 * misses and a hold of its mailbox, to flip a flag that no one would read until the server's next
 * message (docs/adr/0011).
 *
 * <p>A server knows its suspension and, when a worker held it for the code change, its index here,
 * where the worker left what undoes the change: the server's own fields then get no new object that
 * would have to be dropped again at the resume. Lifting drops those undos at once. A server looks
 * at its suspension when it next wakes or is asked something; one that woke while suspended waits
 * in {@link #await}'s queue, and the lift wakes it. Servers that had not answered their request
 * when the install gave up stay suspended on their own, each with its undo, for the revert and the
 * resume the install queues for them.
 */
public final class Suspension {
  private volatile boolean lifted;

  /** The servers in the order of their indexes; null once lifted. */
  private List<Pid> servers;

  /** What undoes each held server's code change, by index; null once lifted. */
  private Object[] undos;

  /** The servers that stay suspended after the lift, with their undo (or null). */
  private volatile Map<ProcessCell, Object> staying = Map.of();

  private final ConcurrentLinkedQueue<ProcessCell> waiting = new ConcurrentLinkedQueue<>();

  private final int size;

  public Suspension(List<Pid> servers) {
    this.servers = servers;
    this.undos = new Object[servers.size()];
    this.size = servers.size();
  }

  /** How many servers it was made for. */
  public int size() {
    return size;
  }

  /** How it shows in a request's messages. */
  @Override
  public String toString() {
    return "one suspension of " + size + (size == 1 ? " process" : " processes");
  }

  boolean lifted() {
    return lifted;
  }

  /** Keeps what undoes the code change of the server at {@code index}; false once lifted. */
  boolean keep(int index, Object undo) {
    Object[] all = undos;
    if (all == null || lifted) {
      return false;
    }
    all[index] = undo;
    return true;
  }

  /** What undoes the code change of the server at {@code index}, or null. */
  Object undo(int index) {
    Object[] all = undos;
    return all == null ? null : all[index];
  }

  void forget(int index) {
    Object[] all = undos;
    if (all != null) {
      all[index] = null;
    }
  }

  /**
   * Queues {@code server}, suspended by this and about to wait, to be woken by the lift; false if
   * the suspension was lifted already (it must not wait then).
   */
  boolean await(ProcessCell server) {
    waiting.add(server);
    return !lifted;
  }

  /** Whether {@code server} stays suspended on its own after the lift. */
  boolean staysSuspended(ProcessCell server) {
    return staying.containsKey(server);
  }

  /** What undoes the code change of a server that stays suspended, or null. */
  Object stayingUndo(ProcessCell server) {
    return staying.get(server);
  }

  /**
   * Resumes every server of this suspension but those in {@code staySuspended}, which stay
   * suspended on their own with what undoes their code change; wakes those that wait. Idempotent.
   */
  public void lift(Collection<Pid> staySuspended) {
    if (lifted) {
      return;
    }
    if (!staySuspended.isEmpty()) {
      Map<ProcessCell, Object> kept = new HashMap<>();
      for (Pid pid : staySuspended) {
        kept.put(ProcessCell.of(pid), null);
      }
      for (int i = 0; i < servers.size(); i++) {
        ProcessCell cell = ProcessCell.of(servers.get(i));
        if (kept.containsKey(cell)) {
          kept.put(cell, undos[i]);
        }
      }
      staying = kept;
    }
    lifted = true;
    undos = null;
    servers = null;
    ProcessCell server;
    while ((server = waiting.poll()) != null) {
      server.mailbox.recheck();
    }
  }
}
