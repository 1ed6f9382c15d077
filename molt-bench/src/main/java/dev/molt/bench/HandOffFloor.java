package dev.molt.bench;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a call between two virtual threads costs without Molt, for docs/adr/0009: a client thread
 * hands a request to a server thread and spins for the answer, and the server spins for requests.
 * Prints one line of thousands of round trips per second, second by second.
 *
 * <ul>
 *   <li>{@code field}: the request through one {@code AtomicReference}, the answer through another;
 *   <li>{@code queue}: the request through a {@code ConcurrentLinkedQueue}, the answer in a field
 *       of the request (what Molt's mailbox did before its slot);
 *   <li>{@code slot}: the same, the request in a one-message slot while the queue is empty (what it
 *       does now).
 * </ul>
 *
 * <p>{@code java -cp benchmarks.jar dev.molt.bench.HandOffFloor field|queue|slot [seconds]}
 */
public final class HandOffFloor {
  private HandOffFloor() {}

  private static final class Request {
    final String key;
    volatile Object answer;

    Request(String key) {
      this.key = key;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    String mode = args.length > 0 ? args[0] : "slot";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    LongAdder trips = new LongAdder();
    switch (mode) {
      case "field" -> field(trips);
      case "queue" -> queue(trips, false);
      case "slot" -> queue(trips, true);
      default -> throw new IllegalArgumentException("field, queue or slot, not " + mode);
    }
    long last = 0;
    StringBuilder line = new StringBuilder(mode).append(':');
    for (int s = 0; s < seconds; s++) {
      Thread.sleep(1000);
      long now = trips.sum();
      line.append(' ').append((now - last) / 1000).append('k');
      last = now;
    }
    System.out.println(line);
    System.exit(0);
  }

  private static void field(LongAdder trips) {
    AtomicReference<Object> request = new AtomicReference<>();
    AtomicReference<Object> answer = new AtomicReference<>();
    Thread.ofVirtual()
        .start(
            () -> {
              while (true) {
                Object r;
                while ((r = request.get()) == null) {
                  Thread.onSpinWait();
                }
                request.set(null);
                answer.set(r);
              }
            });
    Thread.ofVirtual()
        .start(
            () -> {
              while (true) {
                request.set(new Object());
                while (answer.get() == null) {
                  Thread.onSpinWait();
                }
                answer.set(null);
                trips.increment();
              }
            });
  }

  /** Both of the queue's modes answer a {@code get} of the KV server's map, as a call does. */
  private static void queue(LongAdder trips, boolean slotted) {
    ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    AtomicReference<Request> slot = new AtomicReference<>();
    java.util.Map<String, Object> map = new java.util.HashMap<>(KvServer.KEYS * 2);
    for (int i = 0; i < KvServer.KEYS; i++) {
      map.put(KvServer.KEY_NAMES[i], i);
    }
    Thread.ofVirtual()
        .start(
            () -> {
              while (true) {
                Request r;
                while (true) {
                  if (slotted && (r = slot.get()) != null) {
                    slot.setRelease(null);
                    break;
                  }
                  if ((r = queue.poll()) != null) {
                    break;
                  }
                  Thread.onSpinWait();
                }
                r.answer = map.get(r.key);
              }
            });
    Thread.ofVirtual()
        .start(
            () -> {
              int i = 0;
              while (true) {
                Request r = new Request(KvServer.KEY_NAMES[i]);
                if (!slotted || !queue.isEmpty() || !slot.compareAndSet(null, r)) {
                  queue.offer(r);
                }
                while (r.answer == null) {
                  Thread.onSpinWait();
                }
                trips.increment();
                i = i + 1 == KvServer.KEYS ? 0 : i + 1;
              }
            });
  }
}
