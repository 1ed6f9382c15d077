package dev.molt.internal.process;

import dev.molt.Exit;
import dev.molt.ExitReason;
import dev.molt.Pid;
import java.util.ArrayDeque;

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

  public static void exit(ProcessCell target, Pid from, ExitReason reason, boolean viaLink) {
    ArrayDeque<Signal> work = new ArrayDeque<>();
    work.add(new Signal(target, from, reason, viaLink));
    Signal signal;
    while ((signal = work.poll()) != null) {
      deliver(signal, work);
    }
  }

  /** Ends {@code cell} with {@code reason} (its own end, or a signal's) and tells its watchers. */
  public static void die(ProcessCell cell, ExitReason reason) {
    ArrayDeque<Signal> work = new ArrayDeque<>();
    dieInto(cell, reason, work);
    Signal signal;
    while ((signal = work.poll()) != null) {
      deliver(signal, work);
    }
  }

  private static void deliver(Signal s, ArrayDeque<Signal> work) {
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

  private static void kill(ProcessCell target, ExitReason reason, ArrayDeque<Signal> work) {
    Thread thread = target.thread;
    if (dieInto(target, reason, work) && thread != null && thread != Thread.currentThread()) {
      thread.interrupt();
    }
  }

  private static boolean dieInto(ProcessCell cell, ExitReason reason, ArrayDeque<Signal> work) {
    if (!cell.markDead(reason)) {
      return false;
    }
    ExitReason linked = reason instanceof ExitReason.Kill ? ExitReason.killed() : reason;
    cell.drainWatchers(reason, other -> work.add(new Signal(other, cell.pid, linked, true)));
    return true;
  }
}
