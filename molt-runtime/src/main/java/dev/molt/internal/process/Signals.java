package dev.molt.internal.process;

import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.Pid;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Exit signals, as in OTP's "Processes" chapter.
 *
 * <table>
 *   <caption>What a process does with an exit signal</caption>
 *   <tr><th>reason</th><th>traps exits</th><th>does not trap exits</th></tr>
 *   <tr><td>{@code kill}, sent with exit/2</td><td>dies with {@code killed}</td><td>dies with {@code killed}</td></tr>
 *   <tr><td>{@code normal}, from a link or another process</td><td>gets an {@link Exit} message</td><td>ignores it</td></tr>
 *   <tr><td>{@code normal}, sent to itself</td><td>gets an {@link Exit} message</td><td>dies with {@code normal}</td></tr>
 *   <tr><td>anything else</td><td>gets an {@link Exit} message</td><td>dies with that reason</td></tr>
 * </table>
 *
 * <p>A death propagates to the links with a work list rather than by recursion, so a long chain of
 * linked processes cannot overflow the stack.
 */
public final class Signals {
  private Signals() {}

  private record Signal(ProcessCell target, Pid from, ExitReason reason, boolean viaLink) {}

  /** The monitors and waiting calls of a process that died, told after its links. */
  private record Downs(ProcessCell cell, ExitReason reason, List<ProcessCell.Watcher> watchers) {}

  public static void exit(ProcessCell target, Pid from, ExitReason reason, boolean viaLink) {
    ArrayDeque<Object> work = new ArrayDeque<>();
    work.add(new Signal(target, from, reason, viaLink));
    run(work);
  }

  /** Ends {@code cell} with {@code reason} (its own end, or a signal's) and tells its watchers. */
  public static void die(ProcessCell cell, ExitReason reason) {
    ArrayDeque<Object> work = new ArrayDeque<>();
    dieInto(cell, reason, work);
    run(work);
  }

  private static void run(ArrayDeque<Object> work) {
    Object next;
    while ((next = work.poll()) != null) {
      if (next instanceof Signal signal) {
        deliver(signal, work);
      } else {
        Downs downs = (Downs) next;
        for (ProcessCell.Watcher watcher : downs.watchers()) {
          watcher.down(downs.cell(), downs.reason());
        }
      }
    }
  }

  private static void deliver(Signal s, ArrayDeque<Object> work) {
    ProcessCell target = s.target();
    if (!target.isAlive()) {
      return;
    }
    ExitReason reason = s.reason();
    boolean fromItself = s.from() != null && ProcessCell.of(s.from()) == target;
    if (reason instanceof ExitReason.Kill && !s.viaLink()) {
      kill(target, ExitReason.killed(), work);
    } else if (target.trapExit) {
      target.mailbox.put(new Exit(s.from(), reason));
    } else if (reason instanceof ExitReason.Normal) {
      if (fromItself && !s.viaLink()) {
        kill(target, reason, work);
      }
    } else {
      kill(target, reason, work);
    }
  }

  private static void kill(ProcessCell target, ExitReason reason, ArrayDeque<Object> work) {
    Thread thread = target.thread;
    if (dieInto(target, reason, work) && thread != null && thread != Thread.currentThread()) {
      thread.interrupt();
    }
  }

  /**
   * Marks {@code cell} dead and queues what its death tells: first an exit signal to each linked
   * process, then the {@code Down}s of its monitors and the ends of the calls waiting on it. So a
   * supervisor that also monitors its child, or anyone who asks the supervisor after seeing the
   * child's {@code Down}, finds the child's {@code EXIT} already in the supervisor's mailbox.
   */
  private static boolean dieInto(ProcessCell cell, ExitReason reason, ArrayDeque<Object> work) {
    if (!cell.markDead(reason)) {
      return false;
    }
    // A process killed by exit/2 dies with killed, which its links see. One that ended itself with
    // kill sends kill to its links, as in OTP (signal_SUITE's kill2killed); coming over a link, it
    // can be trapped.
    ExitReason linked = reason;
    List<ProcessCell.Watcher> watchers = new ArrayList<>();
    cell.drainWatchers(other -> work.add(new Signal(other, cell.pid, linked, true)), watchers::add);
    if (!watchers.isEmpty()) {
      work.add(new Downs(cell, reason, watchers));
    }
    return true;
  }
}
