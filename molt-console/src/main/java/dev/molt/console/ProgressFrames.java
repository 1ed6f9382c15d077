package dev.molt.console;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The progress lines of one command on the control channel (an upgrade's phases), sent to its
 * client as they come, before the reply. The command never waits for them: they are queued and a
 * thread of their own writes them, so an install in the middle of its pause cannot be held up by a
 * client that reads slowly or not at all; a line the queue has no room for is dropped and counted.
 * {@link #close} lets the queued lines out before the reply is written.
 */
final class ProgressFrames implements AutoCloseable {
  /** Lines queued at most; an install has a few dozen. */
  private static final int QUEUED = 256;

  private static final String END = "\u0000end";

  private final ArrayBlockingQueue<String> lines;
  private final AtomicInteger dropped = new AtomicInteger();
  private final DataOutputStream out;
  private final Thread sender;
  private volatile boolean broken;

  /** Progress to {@code out}; null for a client that takes none (nothing is sent or queued). */
  ProgressFrames(DataOutputStream out) {
    this.out = out;
    this.lines = out == null ? null : new ArrayBlockingQueue<>(QUEUED);
    this.sender = out == null ? null : ControlThreads.start("molt-control-progress", this::send);
  }

  /** Queues {@code line} without waiting; dropped (and counted) when the queue is full. */
  void offer(String line) {
    if (lines != null && !lines.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  private void send() {
    try {
      while (true) {
        String line = lines.take();
        if (line.equals(END)) {
          return;
        }
        Frames.writeProgress(out, line);
      }
    } catch (IOException e) {
      broken = true; // the client went away: the reply will find out too
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends what is queued, then returns: the reply comes after the progress. */
  @Override
  public void close() {
    if (sender == null) {
      return;
    }
    while (!lines.offer(END)) {
      if (lines.poll() != null) {
        dropped.incrementAndGet();
      }
    }
    try {
      sender.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    int lost = dropped.get();
    if (lost > 0 && !broken) {
      try {
        Frames.writeProgress(
            out, "(" + lost + " progress lines not shown: the client read them too slowly)");
      } catch (IOException e) {
        // the reply will fail the same way
      }
    }
  }
}
