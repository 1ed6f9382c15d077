package dev.molt;

import java.util.concurrent.locks.LockSupport;

/**
 * The caller of a {@link GenServer#call}: what {@code handleCall} receives to reply to later with
 * {@link GenServer#reply(From, Object)}.
 *
 * <p>A {@code From} is also the call itself: it carries the request into the server's mailbox,
 * watches the server like a monitor, and holds the one outcome the caller waits for (a reply,
 * the server's end, or the caller's timeout, whichever comes first). A reply that comes after
 * the timeout is dropped, as with OTP's aliases.
 */
public final class From implements ProcessCell.Watcher {
  private static final Object NULL = new Object();
  private static final Object TIMED_OUT = new Object();

  /** The request; replaced by its migration when it reaches newer code. */
  Object request;
  private final Thread waiter;
  private final Pid caller;
  private volatile Object outcome;
  /** Set for one of many calls waited for together ({@link GenServerCalls#callAll}): wakes the waiter once, after the last. */
  private final Batch batch;

  /** Calls waited for together: the waiter is woken when all have an outcome, not at each one. */
  static final class Batch {
    private final java.util.concurrent.atomic.AtomicInteger left;
    private final Thread waiter = Thread.currentThread();

    Batch(int calls) {
      left = new java.util.concurrent.atomic.AtomicInteger(calls);
    }

    void done() {
      if (left.decrementAndGet() == 0) {
        LockSupport.unpark(waiter);
      }
    }

    /** Waits until every call has an outcome or the deadline ({@code System.nanoTime()}; MAX_VALUE: none) passed. */
    void await(long deadline) {
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
  record Ended(ExitReason reason) {}

  From(Object request) {
    this(request, null);
  }

  From(Object request, Batch batch) {
    this.batch = batch;
    this.request = request;
    this.waiter = Thread.currentThread();
    ProcessCell self = ProcessCell.current();
    this.caller = self == null ? null : self.pid;
  }

  /** The calling process; empty when the call came from a thread that is not a process. */
  public java.util.Optional<Pid> caller() {
    return java.util.Optional.ofNullable(caller);
  }

  /** Sets the outcome if there is none yet; true if this call set it. */
  boolean complete(Object value) {
    Object encoded = value == null ? NULL : value;
    if (outcome == null && OUTCOME.compareAndSet(this, null, encoded)) {
      if (batch != null) {
        batch.done();
      } else {
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
   * Waits for the outcome: the reply (null decoded), an {@link Ended}, or {@code TIMED_OUT}
   * (see {@link #timedOut}). A process killed while it waits unwinds with {@link ProcessExit}.
   */
  Object await(long timeoutNanos) {
    return await(timeoutNanos, true);
  }

  /** As {@link #await(long)}; without {@code spin}, parks at once if there is no outcome yet. */
  Object await(long timeoutNanos, boolean spin) {
    long start = System.nanoTime();
    long deadline = timeoutNanos == Long.MAX_VALUE ? 0 : start + timeoutNanos;
    ProcessCell self = ProcessCell.current();
    int budget = !spin ? 0 : self == null ? Spin.FOREIGN : self.spinBudget;
    int spins = 0;
    Object result;
    while ((result = outcome) == null) {
      if (spins < budget) {
        spins++;
        Thread.onSpinWait();
        continue;
      }
      if (self != null) {
        self.checkNotKilled();
      }
      if (timeoutNanos == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
          complete(TIMED_OUT);
          continue;
        }
        LockSupport.parkNanos(this, wait);
      }
      if (Thread.currentThread().isInterrupted() && outcome == null) {
        if (self != null) {
          self.checkNotKilled();
        }
        complete(TIMED_OUT);
      }
    }
    if (self != null && spin) {
      self.spinBudget = Spin.adapt(budget, System.nanoTime() - start);
    }
    return result == NULL ? null : result;
  }

  /** Whether completing this call wakes a virtual thread (a lone call from a process), which the JDK queues on the completer's carrier. */
  boolean wakesVirtualThread() {
    return batch == null && waiter.isVirtual();
  }

  /** The outcome if there is one, without waiting; after {@link #expire} there always is. */
  Object outcomeNow() {
    Object result = outcome;
    return result == NULL ? null : result;
  }

  /** Gives a call still without an outcome the outcome {@code TIMED_OUT}. */
  void expire() {
    complete(TIMED_OUT);
  }

  static boolean timedOut(Object result) {
    return result == TIMED_OUT;
  }

  private static final java.lang.invoke.VarHandle OUTCOME;

  static {
    try {
      OUTCOME = java.lang.invoke.MethodHandles.lookup().findVarHandle(From.class, "outcome", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public String toString() {
    return "From[" + (caller == null ? waiter.toString() : caller.toString()) + "]";
  }
}
