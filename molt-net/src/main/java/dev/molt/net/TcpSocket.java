package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.Pid;
import dev.molt.Process;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apiguardian.api.API;

/**
 * A TCP connection owned by a process, as a {@code gen_tcp} socket: its controlling process gets
 * what arrives as messages ({@link TcpData}, then {@link TcpClosed}) while the socket is active, or
 * reads it with {@link #recv} while it is passive. Any process may {@link #send}.
 *
 * <ul>
 *   <li><b>Modes.</b> A socket starts passive. {@link #setActiveOnce()} delivers one message and
 *       goes passive again: the controlling process asks for the next when it has handled one, so a
 *       fast peer cannot flood its mailbox. {@link #setActive(int)} delivers that many, then a
 *       {@link TcpPassive}. {@link #setActive(boolean) setActive(true)} delivers everything.
 *   <li><b>Reading</b> happens on a virtual thread of the socket's own, only while someone wants
 *       data: a passive socket leaves the peer's bytes in the kernel, and TCP slows the peer down.
 *   <li><b>Writing</b> is queued and done by a virtual thread of the socket's own: {@code send}
 *       never blocks. A peer that does not read makes the queue grow; past {@link
 *       SocketOptions#maxBufferedBytes()} the socket is closed with a {@link TcpError}.
 *   <li><b>Ownership.</b> When the controlling process exits, the socket is closed. {@link
 *       #controllingProcess} hands it to another process.
 * </ul>
 *
 * A socket belongs to the stable layer: held in a server's state, it survives a code change of the
 * server's module, open.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class TcpSocket implements AutoCloseable {
  private static final Duration LINGER = Duration.ofSeconds(5);

  private enum Mode {
    PASSIVE,
    ONCE,
    COUNTED,
    ALWAYS
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final SocketOptions options;
  private final Framer framer;
  private final SocketAddress peer;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition demand = lock.newCondition();
  private final Condition output = lock.newCondition();
  private Pid owner;
  private Mode mode = Mode.PASSIVE;
  private int remaining;
  private CompletableFuture<byte[]> waiting;
  private byte[] pending;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private long queued;
  private Thread writer;

  /** Closed by this side: nothing more is read, and no TcpClosed is sent. */
  private boolean closing;

  /** Closed, by either side. */
  private boolean closed;

  private final AtomicLong bytesIn = new AtomicLong();
  private final AtomicLong bytesOut = new AtomicLong();

  TcpSocket(Socket socket, SocketOptions options, Pid owner) throws IOException {
    this.socket = socket;
    this.options = options;
    this.framer = new Framer(options.packet(), options.maxPacket());
    socket.setTcpNoDelay(options.noDelay());
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.peer = socket.getRemoteSocketAddress();
    this.owner = owner;
    if (owner != null) {
      Janitor.watch(this, owner);
    }
    Thread.ofVirtual().name("molt-tcp-reader " + peer).start(this::readLoop);
  }

  /** The peer's address. */
  public SocketAddress peer() {
    return peer;
  }

  /** This side's address. */
  public SocketAddress local() {
    return socket.getLocalSocketAddress();
  }

  public SocketOptions options() {
    return options;
  }

  /** The process that gets this socket's messages; empty before a listener hands it over. */
  public Optional<Pid> controllingProcess() {
    lock.lock();
    try {
      return Optional.ofNullable(owner);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes {@code pid} the process that gets this socket's messages; the socket closes when it
   * exits. Messages already delivered stay with the previous one.
   */
  public void controllingProcess(Pid pid) {
    lock.lock();
    try {
      owner = pid;
      demand.signalAll();
    } finally {
      lock.unlock();
    }
    Janitor.watch(this, pid);
  }

  /** Delivers the next message, then goes passive. */
  public void setActiveOnce() {
    setMode(Mode.ONCE, 1);
  }

  /** Delivers every message ({@code true}), or none ({@code false}, passive: use {@link #recv}). */
  public void setActive(boolean active) {
    setMode(active ? Mode.ALWAYS : Mode.PASSIVE, 0);
  }

  /** Delivers {@code n} more messages, then a {@link TcpPassive}. */
  public void setActive(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, not " + n);
    }
    lock.lock();
    try {
      setModeLocked(Mode.COUNTED, (mode == Mode.COUNTED ? remaining : 0) + n);
    } finally {
      lock.unlock();
    }
  }

  private void setMode(Mode next, int count) {
    lock.lock();
    try {
      setModeLocked(next, count);
    } finally {
      lock.unlock();
    }
  }

  private void setModeLocked(Mode next, int count) {
    mode = next;
    remaining = count;
    demand.signalAll();
  }

  /**
   * The next message, read by a passive socket: empty if none came within {@code timeout}.
   *
   * @throws SocketClosedException if the socket is closed, or closes while waiting
   * @throws IllegalStateException if the socket is active, or another {@code recv} waits
   */
  public Optional<byte[]> recv(Duration timeout) {
    CompletableFuture<byte[]> wait = new CompletableFuture<>();
    lock.lock();
    try {
      if (closed) {
        throw new SocketClosedException(this + " is closed");
      }
      if (mode != Mode.PASSIVE) {
        throw new IllegalStateException("recv on an active socket: set it passive first");
      }
      if (waiting != null) {
        throw new IllegalStateException("another recv is waiting on " + this);
      }
      waiting = wait;
      demand.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      return Optional.of(wait.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      lock.lock();
      try {
        if (waiting == wait) {
          waiting = null;
        }
      } finally {
        lock.unlock();
      }
      // delivered while timing out: not lost
      return wait.isDone() && !wait.isCompletedExceptionally()
          ? Optional.of(wait.join())
          : Optional.empty();
    } catch (ExecutionException e) {
      throw new SocketClosedException(this + " is closed: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SocketClosedException("interrupted waiting on " + this);
    }
  }

  /**
   * Queues {@code data} to be written, framed as the socket's {@link Packet} says (a line gets its
   * {@code \n}). Returns false if the socket is closed; closes it, with a {@link TcpError}, if the
   * peer leaves more than {@link SocketOptions#maxBufferedBytes()} unread.
   */
  public boolean send(byte[] data) {
    byte[] framed = Framer.frame(options.packet(), data);
    lock.lock();
    try {
      if (closed || closing) {
        return false;
      }
      if (queued + framed.length > options.maxBufferedBytes()) {
        String reason =
            "the peer does not read: "
                + (queued + framed.length)
                + " bytes would wait to be written, over maxBufferedBytes "
                + options.maxBufferedBytes();
        failLocked(reason);
        return false;
      }
      queue.add(framed);
      queued += framed.length;
      if (writer == null) {
        writer = Thread.ofVirtual().name("molt-tcp-writer " + peer).start(this::writeLoop);
      }
      output.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** {@link #send(byte[])} of {@code text} as UTF-8. */
  public boolean send(String text) {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Bytes read from the peer so far. */
  public long bytesIn() {
    return bytesIn.get();
  }

  /** Bytes written to the peer so far. */
  public long bytesOut() {
    return bytesOut.get();
  }

  public boolean isOpen() {
    lock.lock();
    try {
      return !closed && !closing;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the socket after what was sent is written (at most 5 s more); no {@link TcpClosed} is
   * sent for it. Closing again does nothing.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed || closing) {
        return;
      }
      closing = true;
      failWaiting("closed by this side");
      if (queue.isEmpty()) {
        closeNow();
      } else {
        output.signalAll();
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Thread.sleep(LINGER);
                  } catch (InterruptedException e) {
                    return;
                  }
                  lock.lock();
                  try {
                    closeNow();
                  } finally {
                    lock.unlock();
                  }
                });
      }
    } finally {
      lock.unlock();
    }
  }

  /** Closes the sending direction only (a half-close): the peer reads an end of stream. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** Closes at once, for a controlling process that exited. */
  void ownerExited(Pid pid) {
    lock.lock();
    try {
      if (pid.equals(owner) && !closed) {
        closing = true;
        failWaiting("its controlling process exited");
        closeNow();
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- the reader ----------------------------------------------------------------------------

  private void readLoop() {
    byte[] chunk = new byte[8192];
    try {
      while (true) {
        if (!awaitDemand()) {
          return;
        }
        byte[] message;
        lock.lock();
        try {
          message = pending;
          pending = null;
        } finally {
          lock.unlock();
        }
        if (message == null) {
          try {
            message = framer.next();
          } catch (Framer.TooLong e) {
            fail(e.getMessage());
            return;
          }
        }
        if (message == null) {
          int n = in.read(chunk);
          if (n < 0) {
            peerClosed();
            return;
          }
          bytesIn.addAndGet(n);
          framer.add(chunk, 0, n);
          continue;
        }
        deliver(message);
      }
    } catch (IOException e) {
      fail("read failed: " + e.getMessage());
    }
  }

  /** Waits until a message is wanted; false once the socket is closed. */
  private boolean awaitDemand() {
    lock.lock();
    try {
      while (!closed && !closing && waiting == null && (mode == Mode.PASSIVE || owner == null)) {
        demand.awaitUninterruptibly();
      }
      return !closed && !closing;
    } finally {
      lock.unlock();
    }
  }

  private void deliver(byte[] message) {
    lock.lock();
    try {
      if (waiting != null) {
        waiting.complete(message);
        waiting = null;
      } else if (mode != Mode.PASSIVE && owner != null) {
        Process.send(owner, new TcpData(this, message));
        if (mode == Mode.ONCE) {
          mode = Mode.PASSIVE;
        } else if (mode == Mode.COUNTED && --remaining == 0) {
          mode = Mode.PASSIVE;
          Process.send(owner, new TcpPassive(this));
        }
      } else {
        pending = message; // the demand went away while it was read: the next one gets it
      }
    } finally {
      lock.unlock();
    }
  }

  private void peerClosed() {
    lock.lock();
    try {
      if (closing || closed) {
        return;
      }
      failWaiting("closed by the peer");
      if (owner != null) {
        Process.send(owner, new TcpClosed(this));
      }
      closeNow();
    } finally {
      lock.unlock();
    }
  }

  private void fail(String reason) {
    lock.lock();
    try {
      failLocked(reason);
    } finally {
      lock.unlock();
    }
  }

  private void failLocked(String reason) {
    if (closing || closed) {
      return;
    }
    failWaiting(reason);
    if (owner != null) {
      Process.send(owner, new TcpError(this, reason));
      Process.send(owner, new TcpClosed(this));
    }
    closeNow();
  }

  private void failWaiting(String reason) {
    if (waiting != null) {
      waiting.completeExceptionally(new SocketClosedException(reason));
      waiting = null;
    }
  }

  /** Closes the socket; the lock is held. */
  private void closeNow() {
    if (closed) {
      return;
    }
    closed = true;
    queue.clear();
    queued = 0;
    demand.signalAll();
    output.signalAll();
    Janitor.forget(this);
    try {
      socket.close();
    } catch (IOException e) {
      // closed all the same: the descriptor is released
    }
  }

  // ---- the writer ----------------------------------------------------------------------------

  private void writeLoop() {
    while (true) {
      byte[] next;
      lock.lock();
      try {
        while (queue.isEmpty() && !closed && !closing) {
          output.awaitUninterruptibly();
        }
        if (closed || queue.isEmpty()) {
          if (closing) {
            closeNow();
          }
          writer = null;
          return;
        }
        next = queue.peek();
      } finally {
        lock.unlock();
      }
      try {
        out.write(next);
        out.flush();
        bytesOut.addAndGet(next.length);
      } catch (IOException e) {
        fail("write failed: " + e.getMessage());
        return;
      }
      lock.lock();
      try {
        if (!queue.isEmpty() && queue.peek() == next) {
          queue.poll();
          queued -= next.length;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public String toString() {
    return "TcpSocket[" + peer + "]";
  }
}
