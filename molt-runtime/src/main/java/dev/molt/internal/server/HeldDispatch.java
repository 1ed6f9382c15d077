package dev.molt.internal.server;

import dev.molt.Pid;
import dev.molt.internal.process.Mailbox;
import dev.molt.internal.process.ProcessCell;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Delivers one system request to many servers for {@link GenServerCalls#callAll}, in parallel. A
 * server parked between messages is {@linkplain Mailbox#tryHold held} and answered in place, by a
 * worker thread acting for it, without waking it; any other gets the request in its mailbox. An
 * install touches 100,000 mostly idle servers, and waking each one twice (suspend, resume) cost
 * more than everything else the install does.
 *
 * <p>Workers take servers in chunks, claiming each before they touch it. At the deadline the caller
 * cancels the servers no worker has claimed (they never see the request and time out); a server
 * held by a worker stuck in its {@code codeChange} times out too, and whatever is sent to it
 * afterwards waits behind the hold, so the order of requests to one server is kept.
 */
final class HeldDispatch {
  private static final int FREE = 0;
  private static final int CLAIMED = 1;
  private static final int DONE = 2;
  private static final int CANCELLED = 3;

  /**
   * Held by a worker that runs the request for it: it may take long (a codeChange), never wait for
   * it.
   */
  private static final int HELD = 4;

  private static final int CHUNK = 256;

  private final Pid[] pids;
  private final Call[] calls;
  private final SysRequest request;
  private final AtomicIntegerArray states;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger working;
  private final Thread caller = Thread.currentThread();

  private HeldDispatch(Pid[] pids, Call[] calls, SysRequest request, int workers) {
    this.pids = pids;
    this.calls = calls;
    this.request = request;
    this.states = new AtomicIntegerArray(pids.length);
    this.working = new AtomicInteger(workers);
  }

  /**
   * Delivers {@code request} to every server with a call in {@code calls} (null: skip), each call
   * completed by its server or by a worker; returns when all are delivered, or at {@code deadline}
   * with the undelivered ones expired.
   */
  static void run(Pid[] pids, Call[] calls, SysRequest request, long deadline) {
    int workers =
        Math.max(
            1,
            Math.min(
                Runtime.getRuntime().availableProcessors(), (pids.length + CHUNK - 1) / CHUNK));
    HeldDispatch dispatch = new HeldDispatch(pids, calls, request, workers);
    for (int w = 0; w < workers; w++) {
      Thread.ofVirtual().name("molt-sys-dispatch").start(dispatch::work);
    }
    dispatch.awaitWorkers(deadline);
  }

  private void work() {
    try {
      int start;
      while ((start = next.getAndAdd(CHUNK)) < pids.length) {
        for (int i = start; i < Math.min(pids.length, start + CHUNK); i++) {
          if (calls[i] != null && states.compareAndSet(i, FREE, CLAIMED)) {
            deliver(i);
            states.set(i, DONE);
          }
        }
      }
    } finally {
      if (working.decrementAndGet() == 0) {
        LockSupport.unpark(caller);
      }
    }
  }

  private void deliver(int i) {
    ProcessCell cell = ProcessCell.of(pids[i]);
    if (cell.server instanceof GenServerLoop<?> server && cell.mailbox.tryHold()) {
      states.set(i, HELD);
      calls[i].complete(server.systemReplyHeld(request));
    } else {
      GenServerCalls.send(cell, calls[i]);
    }
  }

  private void awaitWorkers(long deadline) {
    while (working.get() > 0) {
      long wait = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
      if (wait <= 0) {
        cancelUnclaimed();
        return;
      }
      if (wait == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, wait);
      }
    }
  }

  /**
   * At the deadline: no worker may start on a server after this, and a send under way (a few
   * instructions) is let finish, so that nothing sent after this call returns overtakes it.
   */
  private void cancelUnclaimed() {
    for (int i = 0; i < pids.length; i++) {
      if (calls[i] == null) {
        continue;
      }
      if (states.compareAndSet(i, FREE, CANCELLED)) {
        calls[i].expire();
      }
      while (states.get(i) == CLAIMED) {
        Thread.onSpinWait();
      }
    }
  }
}
