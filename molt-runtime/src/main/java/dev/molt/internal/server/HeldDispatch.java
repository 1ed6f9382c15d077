package dev.molt.internal.server;

import dev.molt.Pid;
import dev.molt.behaviour.CallException;
import dev.molt.internal.process.Mailbox;
import dev.molt.internal.process.ProcessCell;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Delivers one system request to many servers for {@link GenServerCalls#callAll}, in parallel. A
 * server parked between messages is {@linkplain Mailbox#tryHold held} and answered in place, by a
 * worker thread acting for it, without waking it; any other gets the request in its mailbox. An
 * install touches 100,000 mostly idle servers, and waking each one twice (suspend, resume) cost
 * more than everything else the install does.
 *
 * <p>Workers take servers in chunks, claiming each before they touch it, and do all the work for
 * it: a held server's answer is settled by the worker, and only a server that got the request in
 * its mailbox gets a {@link Call} for the caller to wait for. The caller does nothing per server
 * but for those, so a batch of 1,000,000 servers has no serial pass over them (docs/adr/0011).
 *
 * <p><b>The timeout is each server's</b>, counted from when its request reaches it, so that a batch
 * takes as long as its size needs and no server gets less than the timeout: a held server whose
 * request runs longer (a {@code codeChange} that hangs) is reported timed out and its late answer
 * dropped, and another worker goes on with the rest; a server that got the request in its mailbox
 * has the timeout from when it was sent. Whatever is sent to a server afterwards waits behind the
 * hold or the request, so the order of requests to one server is kept.
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

  /** Held past its timeout: the caller reported it timed out, and the worker drops its answer. */
  private static final int LATE = 5;

  private static final int CHUNK = 256;

  /**
   * Workers stuck in requests past their timeout before the caller stops starting new ones and
   * times out every server not yet reached.
   */
  private static final int MOST_STUCK = 64;

  private final Pid[] pids;
  private final Call[] sent;
  private final SysRequest request;
  private final long timeout;

  /** The request only flips a flag ({@code Sys.suspend}, {@code Sys.resume}): no callback runs. */
  private final boolean flipsAFlag;

  private final ProcessCell caller = ProcessCell.current();
  private final Call.Batch batch = new Call.Batch(1); // one for the workers, counted down at end
  private final AtomicIntegerArray states;
  private final AtomicInteger next = new AtomicInteger();

  /** Servers whose request no worker has finished with, nor the caller timed out. */
  private final AtomicInteger unsettled;

  /** When the last request was put in a mailbox: the sent ones are waited for until its timeout. */
  private final AtomicLong lastSent = new AtomicLong(Long.MIN_VALUE);

  private final List<Worker> workers = new CopyOnWriteArrayList<>();

  /** Workers left in a request past its timeout; read and written by the caller alone. */
  private int stuckWorkers;

  private final Thread waiter = Thread.currentThread();

  /** Failures by index, as workers find them (rare: no contention in the common case). */
  private final ConcurrentLinkedQueue<Failure> failed = new ConcurrentLinkedQueue<>();

  private record Failure(int index, RuntimeException error) {}

  /** One worker, and the held server it runs a request for now, if any. */
  private final class Worker implements Runnable {
    volatile int heldIndex = -1;
    volatile long heldSince;

    /**
     * Servers this worker settled and has not counted yet: a request that only flips a flag cannot
     * hang, so its servers are counted once per chunk, not each on the shared counter.
     */
    private int uncounted;

    @Override
    public void run() {
      try {
        int start;
        while ((start = next.getAndAdd(CHUNK)) < pids.length) {
          for (int i = start; i < Math.min(pids.length, start + CHUNK); i++) {
            claim(i);
          }
          countUncounted();
        }
        // what a worker stuck in a request left of its chunk
        for (int i = 0; i < pids.length && unsettled.get() > 0; i++) {
          claim(i);
        }
      } finally {
        countUncounted();
        LockSupport.unpark(waiter);
      }
    }

    private void countUncounted() {
      if (uncounted > 0) {
        int n = uncounted;
        uncounted = 0;
        counted(n);
      }
    }

    private void claim(int i) {
      if (states.get(i) == FREE && states.compareAndSet(i, FREE, CLAIMED)) {
        deliver(i);
      }
    }

    private void deliver(int i) {
      ProcessCell cell = ProcessCell.of(pids[i]);
      if (cell == caller) {
        failed.add(new Failure(i, GenServerCalls.callingSelf(pids[i], request)));
        settle(i);
      } else if (cell.server instanceof GenServerLoop<?> server && cell.mailbox.tryHold()) {
        if (flipsAFlag) {
          // no callback runs, so it cannot hang: no timeout to watch, no shared store per server
          RuntimeException error =
              GenServerCalls.failure(pids[i], request, server.systemReplyHeld(request));
          if (error != null) {
            failed.add(new Failure(i, error));
          }
          states.set(i, DONE);
          uncounted++;
          return;
        }
        heldSince = System.nanoTime();
        heldIndex = i;
        states.set(i, HELD);
        Object answer = server.systemReplyHeld(request, i);
        heldIndex = -1;
        RuntimeException error = GenServerCalls.failure(pids[i], request, answer);
        // past its timeout the caller has reported it timed out: its answer is dropped
        if (states.compareAndSet(i, HELD, DONE)) {
          if (error != null) {
            failed.add(new Failure(i, error)); // before the count: the caller reads it at zero
          }
          counted();
        }
      } else {
        Call call = new Call(request, batch, caller);
        sent[i] = call;
        batch.expect();
        GenServerCalls.send(cell, call);
        lastSent.accumulateAndGet(System.nanoTime(), Math::max);
        settle(i);
      }
    }
  }

  private HeldDispatch(Pid[] pids, SysRequest request, long timeout) {
    this.pids = pids;
    this.sent = new Call[pids.length];
    this.request = request;
    this.timeout = timeout;
    this.flipsAFlag = request instanceof SysRequest.Suspend || request instanceof SysRequest.Resume;
    this.states = new AtomicIntegerArray(pids.length);
    this.unsettled = new AtomicInteger(pids.length);
  }

  /**
   * Delivers {@code request} to every server of {@code pids}, each with {@code timeout} nanoseconds
   * ({@code Long.MAX_VALUE}: none) to answer from when it is asked; returns the failures in the
   * order of {@code pids}.
   */
  static Map<Pid, RuntimeException> run(Pid[] pids, SysRequest request, long timeout) {
    int count =
        Math.max(
            1,
            Math.min(
                Runtime.getRuntime().availableProcessors(), (pids.length + CHUNK - 1) / CHUNK));
    HeldDispatch dispatch = new HeldDispatch(pids, request, timeout);
    for (int w = 0; w < count; w++) {
      dispatch.startWorker();
    }
    return dispatch.finish();
  }

  private void startWorker() {
    Worker worker = new Worker();
    workers.add(worker);
    Thread.ofVirtual().name("molt-sys-dispatch").start(worker);
  }

  /**
   * Moves server {@code i}, claimed by this worker, to done, after what it found about it was
   * recorded: the caller reads the failures once the count is zero.
   */
  private void settle(int i) {
    states.set(i, DONE);
    counted();
  }

  private void counted() {
    counted(1);
  }

  private void counted(int n) {
    if (unsettled.addAndGet(-n) == 0) {
      LockSupport.unpark(waiter);
    }
  }

  private Map<Pid, RuntimeException> finish() {
    // a stuck request is found within a quarter of the timeout past it
    long check = timeout == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1_000_000, timeout / 4);
    while (unsettled.get() > 0) {
      if (check == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, check);
        timeOutStuck();
      }
    }
    batch.done(); // the workers' own count: now only the calls sent are waited for
    long sentAt = lastSent.get();
    batch.await(
        sentAt == Long.MIN_VALUE || timeout == Long.MAX_VALUE ? Long.MAX_VALUE : sentAt + timeout);
    for (int i = 0; i < pids.length; i++) {
      if (sent[i] != null) {
        RuntimeException failure = GenServerCalls.settle(pids[i], sent[i], timeout);
        if (failure != null) {
          failed.add(new Failure(i, failure));
        }
      }
    }
    if (failed.isEmpty()) {
      return Map.of();
    }
    Failure[] sorted = failed.toArray(Failure[]::new);
    Arrays.sort(sorted, (a, b) -> Integer.compare(a.index(), b.index()));
    Map<Pid, RuntimeException> failures = new LinkedHashMap<>();
    for (Failure failure : sorted) {
      failures.putIfAbsent(pids[failure.index()], failure.error());
    }
    return failures;
  }

  /**
   * Times out each held server whose request has run past its timeout, and starts a worker in place
   * of the one stuck in it; with too many stuck, times out every server not yet reached.
   */
  private void timeOutStuck() {
    long now = System.nanoTime();
    for (Worker worker : workers) { // a snapshot: a worker started here is not looked at
      int i = worker.heldIndex;
      if (i >= 0 && now - worker.heldSince > timeout && states.compareAndSet(i, HELD, LATE)) {
        failed.add(new Failure(i, CallException.timeout(pids[i], request, timeout)));
        unsettled.decrementAndGet();
        stuckWorkers++;
        if (unsettled.get() > 0 && stuckWorkers < MOST_STUCK) {
          startWorker();
        }
      }
    }
    if (stuckWorkers >= MOST_STUCK) {
      for (int i = 0; i < pids.length; i++) {
        if (states.compareAndSet(i, FREE, CANCELLED)) {
          failed.add(new Failure(i, CallException.timeout(pids[i], request, timeout)));
          unsettled.decrementAndGet();
        }
      }
    }
  }
}
