package dev.molt.internal.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The node's timer wheel: one daemon platform thread that only sends messages. Pending timers are
 * indexed by the process they go to (and those sent to a name, by nothing but the name), so that a
 * code change finds the messages that will reach its process.
 */
public final class Timers {
  private static final ScheduledThreadPoolExecutor SCHEDULER = create();

  /** Pending timers sent to a registered name: few, and found by the name when they fire. */
  private static final Set<Timer> NAMED = ConcurrentHashMap.newKeySet();

  private Timers() {}

  private static ScheduledThreadPoolExecutor create() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "molt-timers");
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /** Sends {@code message} to {@code target} after {@code delayNanos}. */
  public static Timer sendAfter(long delayNanos, ProcessCell target, Object message) {
    Timer timer = new Timer(target, null, message);
    target.timers().add(timer);
    schedule(timer, delayNanos);
    return timer;
  }

  /** Sends {@code message} to whoever holds {@code name} when it fires; dropped if nobody does. */
  public static Timer sendAfter(long delayNanos, String name, Object message) {
    Timer timer = new Timer(null, name, message);
    NAMED.add(timer);
    schedule(timer, delayNanos);
    return timer;
  }

  private static void schedule(Timer timer, long delayNanos) {
    timer.future = SCHEDULER.schedule(() -> fire(timer), delayNanos, TimeUnit.NANOSECONDS);
  }

  private static void fire(Timer timer) {
    if (!timer.state.compareAndSet(Timer.PENDING, Timer.FIRED)) {
      return;
    }
    forget(timer);
    ProcessCell target = timer.target != null ? timer.target : Registry.whereis(timer.name);
    if (target != null && target.isAlive()) {
      target.mailbox.put(timer.message);
    }
  }

  /** True if the timer had not fired: its message will never be sent. */
  public static boolean cancel(Timer timer) {
    if (!timer.state.compareAndSet(Timer.PENDING, Timer.CANCELLED)) {
      return false;
    }
    forget(timer);
    ScheduledFuture<?> future = timer.future;
    if (future != null) {
      future.cancel(false);
    }
    return true;
  }

  private static void forget(Timer timer) {
    if (timer.target != null) {
      timer.target.timers().remove(timer);
    } else {
      NAMED.remove(timer);
    }
  }

  /** The timers still pending that will reach {@code cell}: sent to it, or to the name it holds. */
  public static List<Timer> pendingFor(ProcessCell cell) {
    List<Timer> pending = List.of(); // most processes have none: nothing allocated for them
    Set<Timer> mine = cell.timersIfAny();
    if (mine != null) {
      for (Timer timer : mine) {
        if (timer.pending()) {
          pending = add(pending, timer);
        }
      }
    }
    String name = cell.name();
    if (name != null && !NAMED.isEmpty()) {
      for (Timer timer : NAMED) {
        if (timer.pending() && name.equals(timer.name)) {
          pending = add(pending, timer);
        }
      }
    }
    return pending;
  }

  private static List<Timer> add(List<Timer> pending, Timer timer) {
    List<Timer> growing = pending.isEmpty() ? new ArrayList<>() : pending;
    growing.add(timer);
    return growing;
  }
}
