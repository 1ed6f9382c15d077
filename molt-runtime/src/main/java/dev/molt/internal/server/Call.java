package dev.molt.internal.server;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.behaviour.From;
import dev.molt.code.MigrationException;
import dev.molt.internal.code.ModuleVersion;
import dev.molt.internal.migration.Migrator;
import dev.molt.internal.migration.ModuleClasses;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.Spin;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@code GenServer.call}, and the {@link From} its server's {@code handleCall} receives.
 *
 * <p>A call carries the request into the server's mailbox, watches the server like a monitor, and
 * holds the one outcome the caller waits for (a reply, the server's end, or the caller's timeout,
 * whichever comes first). A reply that comes after the timeout is dropped, as with OTP's aliases.
 */
public final class Call implements From, ProcessCell.Watcher {
  private static final Object NULL = new Object();
  private static final Object TIMED_OUT = new Object();

  /**
   * The request; replaced by its migration when it reaches another version of the server's code.
   */
  public Object request;

  /**
   * The classes the caller built its request with, when the request had to be migrated to reach the
   * server: the reply is migrated back to them, so that a typed client gets values of its own
   * version. Null when the request needed nothing.
   */
  public ModuleClasses replyTo;

  private final Thread waiter;
  private final Pid caller;
  private final ProcessCell callerCell;

  /**
   * Whether the waiting thread is the calling process's own, which says in {@code parkedInWait}
   * when it parks: a reply to a caller that did not park costs no unpark.
   */
  private final boolean waiterIsCaller;

  /** Whether the waiter registered this call with the server's watchers; its own thread only. */
  private boolean watching;

  private volatile Object outcome;

  /**
   * Set for one of many calls waited for together ({@link GenServerCalls#callAll}): wakes the
   * waiter once, after the last.
   */
  private final Batch batch;

  /** Calls waited for together: the waiter is woken when all have an outcome, not at each one. */
  public static final class Batch {
    private final AtomicInteger left;
    private final Thread waiter = Thread.currentThread();

    public Batch(int calls) {
      left = new AtomicInteger(calls);
    }

    /** One more call to wait for, counted before it is sent. */
    void expect() {
      left.incrementAndGet();
    }

    public void done() {
      if (left.decrementAndGet() == 0) {
        LockSupport.unpark(waiter);
      }
    }

    /**
     * Waits until every call has an outcome or the deadline ({@code System.nanoTime()}; MAX_VALUE:
     * none) passed.
     */
    public void await(long deadline) {
      while (left.get() > 0) {
        if (deadline == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          long wait = deadline - System.nanoTime();
          if (wait <= 0) {
            return;
          }
          LockSupport.parkNanos(this, wait);
        }
        ProcessCell self = ProcessCell.current();
        if (self != null) {
          self.checkNotKilled();
        }
      }
    }
  }

  /** The server ended before replying. */
  public record Ended(ExitReason reason) {}

  public Call(Object request) {
    this(request, null);
  }

  public Call(Object request, Batch batch) {
    this(request, batch, ProcessCell.current());
  }

  /** A call of a batch made on another thread than the caller's (a dispatch worker's). */
  Call(Object request, Batch batch, ProcessCell caller) {
    this.batch = batch;
    this.request = request;
    this.waiter = Thread.currentThread();
    this.caller = caller == null ? null : caller.pid;
    this.callerCell = caller;
    this.waiterIsCaller = batch == null && caller != null && caller.thread == waiter;
  }

  /** Whether {@link #await(long, boolean, ProcessCell)} watched the server, to unwatch after. */
  public boolean watching() {
    return watching;
  }

  /** The calling process, or null for a thread that is not one. */
  public ProcessCell callerCell() {
    return callerCell;
  }

  /** The call behind a {@link From} that {@code handleCall} received. */
  public static Call of(From from) {
    if (from instanceof Call call) {
      return call;
    }
    throw new IllegalArgumentException(
        from + " is not a caller that Molt made; reply to the From that handleCall received");
  }

  @Override
  public Optional<Pid> caller() {
    return Optional.ofNullable(caller);
  }

  /**
   * Replies {@code value}: in the caller's classes when its request came from another version
   * ({@link #replyTo}); when it cannot be migrated there, the caller gets a {@code CallException}
   * of kind {@code NOT_MIGRATED} instead. True if this call set the outcome.
   */
  public boolean reply(Object value) {
    ProcessCell replier = ProcessCell.current();
    return reply(
        value,
        replier != null && replier.runsNow() instanceof ModuleVersion version
            ? version.loader
            : null);
  }

  /**
   * As {@link #reply(Object)}, from code whose classes are {@code serving}'s: a reply to a caller
   * of the same classes is not looked at.
   */
  public boolean reply(Object value, ModuleClasses serving) {
    ModuleClasses to = replyTo;
    if (to != null && value != null && to != serving) {
      try {
        value = Migrator.to(to, value, "reply");
      } catch (MigrationException e) {
        return complete(new Failed(e));
      }
    }
    return complete(value);
  }

  /** An outcome that fails the call: its reply (or request) could not be migrated, and why. */
  public record Failed(RuntimeException why) {}

  /** Sets the outcome if there is none yet; true if this call set it. */
  public boolean complete(Object value) {
    Object encoded = value == null ? NULL : value;
    if (outcome == null && OUTCOME.compareAndSet(this, null, encoded)) {
      if (batch != null) {
        batch.done();
      } else if (!waiterIsCaller) {
        LockSupport.unpark(waiter);
      } else if (callerCell.parkedInWait) {
        // a caller still spinning or yielding sees the outcome itself: it sets parkedInWait
        // before it looks at the outcome a last time and parks, this thread reads it after
        // setting the outcome, so one of the two always sees the other
        Spin.woke(callerCell);
        LockSupport.unpark(waiter);
      }
      return true;
    }
    return false;
  }

  @Override
  public void down(ProcessCell process, ExitReason reason) {
    complete(new Ended(reason));
  }

  /**
   * Waits for the outcome: the reply (null decoded), an {@link Ended}, or {@code TIMED_OUT} (see
   * {@link #timedOut}). A process killed while it waits unwinds with {@code ProcessExit}.
   */
  public Object await(long timeoutNanos) {
    return await(timeoutNanos, true);
  }

  /** As {@link #await(long)}; without {@code spin}, parks at once if there is no outcome yet. */
  public Object await(long timeoutNanos, boolean spin) {
    return await(timeoutNanos, spin, null);
  }

  /**
   * As {@link #await(long, boolean)}, for a reply from {@code server} (null if not a process):
   * spinning only while the server is on a carrier, and yielding this carrier to it while it is
   * not, since the JDK queued it here when the request woke it. A wait without {@code spin} (a
   * system request) still yields to a server that is not running, before it parks.
   */
  public Object await(long timeoutNanos, boolean spin, ProcessCell server) {
    // the clock is read only when the spin ends without the outcome (Spin.clockAtOnce)
    boolean clocked = Spin.clockAtOnce(timeoutNanos);
    long start = clocked ? System.nanoTime() : 0;
    ProcessCell self = ProcessCell.current();
    int budget = !spin ? 0 : self == null ? Spin.FOREIGN : self.spinBudget;
    ProcessCell peer = self == null ? null : server;
    int spins = 0;
    int yields = 0;
    Object result;
    while ((result = outcome) == null) {
      int next = Spin.next(spins, budget, yields, peer);
      if (next == Spin.SPIN) {
        spins++;
        Thread.onSpinWait();
        continue;
      }
      if (!clocked) {
        clocked = true;
        start = Spin.startOf(spins);
      }
      if (next == Spin.YIELD) {
        yields++;
        Spin.yieldTo(self);
        continue;
      }
      if (server != null && !watching) {
        // the server is watched only by a caller that parks: one answered within its spin or
        // its yields never touches the server's watchers
        watching = true;
        if (!server.watch(this, this)) {
          down(server, server.exitReason());
          continue;
        }
      }
      if (self != null) {
        self.checkNotKilled();
      }
      long wait = timeoutNanos == Long.MAX_VALUE ? 0 : start + timeoutNanos - System.nanoTime();
      if (timeoutNanos != Long.MAX_VALUE && wait <= 0) {
        complete(TIMED_OUT);
        continue;
      }
      Spin.parking(self);
      if (outcome == null) { // a last look after parkedInWait is set: see complete
        if (timeoutNanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, wait);
        }
      }
      Spin.unparked(self);
      if (Thread.currentThread().isInterrupted() && outcome == null) {
        if (self != null) {
          self.checkNotKilled();
        }
        complete(TIMED_OUT);
      }
    }
    if (self != null && spin) {
      Spin.adapted(self, budget, clocked ? System.nanoTime() - start : 0);
    }
    return result == NULL ? null : result;
  }

  /**
   * Whether completing this call wakes a virtual thread (a lone call from a process), which the JDK
   * queues on the completer's carrier.
   */
  public boolean wakesVirtualThread() {
    return batch == null && waiter.isVirtual();
  }

  /** The outcome if there is one, without waiting; after {@link #expire} there always is. */
  public Object outcomeNow() {
    Object result = outcome;
    return result == NULL ? null : result;
  }

  /** Gives a call still without an outcome the outcome {@code TIMED_OUT}. */
  public void expire() {
    complete(TIMED_OUT);
  }

  public static boolean timedOut(Object result) {
    return result == TIMED_OUT;
  }

  private static final VarHandle OUTCOME;

  static {
    try {
      OUTCOME = MethodHandles.lookup().findVarHandle(Call.class, "outcome", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public String toString() {
    return "Call[" + (caller == null ? waiter.toString() : caller.toString()) + "]";
  }
}
