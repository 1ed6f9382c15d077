package dev.molt.http;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.Down;
import dev.molt.Pid;
import dev.molt.Process;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.websocket.WsSession;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apiguardian.api.API;

/**
 * A WebSocket connection owned by a process, as a {@code gen_tcp} socket is: its messages arrive as
 * {@link WsText} and {@link WsBinary}, its end as one {@link WsClosed}, and it closes when its
 * process exits. Any process may {@link #send}: a send queues the message and returns at once, so a
 * peer that does not read never blocks the sender; past {@link HttpServer.WebSocketLimits
 * maxBufferedBytes} the connection is dropped instead. Held in a server's state, it survives a code
 * change of the server's module, open.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class WsSocket {
  private record Write(Object data, int size) {}

  private record Close(int status, String reason) {}

  private record Owner(Pid pid) {}

  private enum Stop {
    INSTANCE
  }

  private final WsSession session;
  private final long maxBuffered;
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicBoolean reported = new AtomicBoolean();
  private volatile boolean closed;
  private volatile Pid owner;
  private final Pid writer;

  /** A socket, and the process that writes it, in order, and closes it when its owner exits. */
  WsSocket(WsSession session, long maxBuffered) {
    this.session = session;
    this.maxBuffered = maxBuffered;
    this.writer = Process.spawn(this::write);
  }

  /** Gives the socket to {@code owner}, its process since its {@code init} ran. */
  void own(Pid owner) {
    this.owner = owner;
    Process.send(writer, new Owner(owner));
  }

  /** Queues {@code text} as one message; false if the connection is closed, or has just dropped. */
  public boolean send(String text) {
    return queue(text, text.length());
  }

  /** Queues {@code bytes} (copied) as one binary message; false as for {@link #send(String)}. */
  public boolean send(byte[] bytes) {
    return queue(bytes.clone(), bytes.length);
  }

  private boolean queue(Object data, int size) {
    if (closed) {
      return false;
    }
    long waiting = buffered.addAndGet(size);
    if (waiting > maxBuffered) {
      drop(1008, "the peer does not read: " + waiting + " bytes waiting to be sent");
      return false;
    }
    Process.send(writer, new Write(data, size));
    return true;
  }

  /** Bytes queued and not yet written (a text counts its characters). */
  public long buffered() {
    return buffered.get();
  }

  /** Closes the connection normally (1000) once what is queued is sent; nothing if closed. */
  public void close() {
    close(1000, "normal");
  }

  /** Closes the connection with {@code status} and {@code reason} once what is queued is sent. */
  public void close(int status, String reason) {
    if (closed) {
      return;
    }
    closed = true;
    Process.send(writer, new Close(status, reason));
  }

  /** True until the connection closes, from either side. */
  public boolean isOpen() {
    return !closed;
  }

  /** The peer's address, as {@code host:port}. */
  public String peer() {
    return session.socketContext().remotePeer().address().toString();
  }

  /** The peer closed the connection, or it failed: the owner hears of it once. */
  void closedByPeer(int status, String reason) {
    closed = true;
    report(status, reason);
    Process.send(writer, Stop.INSTANCE);
  }

  /**
   * Cuts the connection at once, with no closing handshake (the peer sees it as abnormal, 1006):
   * for a peer that does not read, which would never read a close frame either.
   */
  void drop(int status, String reason) {
    closed = true;
    try {
      if (session.socketContext() instanceof ConnectionContext connection) {
        connection.serverSocket().close();
      } else {
        session.terminate();
      }
    } catch (RuntimeException e) {
      quietly(session::terminate);
    }
    report(status, reason);
    Process.send(writer, Stop.INSTANCE);
  }

  /** Closes the connection now, with {@code status}, ahead of what is queued. */
  void closeNow(int status, String reason) {
    closed = true;
    quietly(() -> session.close(status, reason));
    report(status, reason);
    Process.send(writer, Stop.INSTANCE);
  }

  private void report(int status, String reason) {
    Pid to = owner;
    if (to != null && reported.compareAndSet(false, true)) {
      Process.send(to, new WsClosed(this, status, reason));
    }
  }

  private void write() {
    while (true) {
      switch (Process.receive()) {
        case Owner(Pid pid) -> Process.monitor(pid);
        case Write(Object data, int size) -> {
          buffered.addAndGet(-size);
          try {
            if (data instanceof String text) {
              session.send(text, true);
            } else {
              session.send(BufferData.create((byte[]) data), true);
            }
          } catch (RuntimeException e) {
            if (!closed) {
              drop(1011, "the write failed: " + e);
            }
          }
        }
        case Close(int status, String reason) -> {
          quietly(() -> session.close(status, reason));
          return;
        }
        case Down down when down.pid().equals(owner) -> {
          closed = true;
          quietly(() -> session.close(1001, "its process exited"));
          return;
        }
        case Stop stop -> {
          return;
        }
        default -> {}
      }
    }
  }

  private static void quietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      // closed already, by the peer or the server
    }
  }
}
