package dev.molt;

import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.Registry;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The node's timer wheel: one daemon platform thread that only sends messages. */
final class Timers {
  private static final ScheduledThreadPoolExecutor SCHEDULER = create();

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

  static TimerRef sendAfter(long delayNanos, Object destination, Object message) {
    TimerRef timer = new TimerRef();
    timer.future =
        SCHEDULER.schedule(
            () -> {
              if (!timer.state.compareAndSet(TimerRef.PENDING, TimerRef.FIRED)) {
                return;
              }
              ProcessCell target =
                  destination instanceof Pid pid
                      ? pid.cell
                      : Registry.whereis((String) destination);
              if (target != null && target.isAlive()) {
                target.mailbox.put(message);
              }
            },
            delayNanos,
            TimeUnit.NANOSECONDS);
    return timer;
  }

  /** True if the timer had not fired: its message will never be sent. */
  static boolean cancel(TimerRef timer) {
    if (!timer.state.compareAndSet(TimerRef.PENDING, TimerRef.CANCELLED)) {
      return false;
    }
    ScheduledFuture<?> future = timer.future;
    if (future != null) {
      future.cancel(false);
    }
    return true;
  }
}
