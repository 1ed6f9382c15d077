package dev.molt.http;

import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeServer;
import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection: a process on the current version of the handler class owns it and gets
 * its messages. Reading pauses while that process has more than {@code maxMailbox} messages
 * waiting, so a client that sends faster than its process handles is held back by TCP.
 */
final class ProcessListener implements WsListener {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessListener.class);

  /** The open connections, by session, to hear of an end no listener call reports. */
  private static final Map<Object, ProcessListener> OPEN = new ConcurrentHashMap<>();

  private final String handler;
  private final HttpServer.WebSocketLimits limits;
  private final StringBuilder text = new StringBuilder();
  private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
  private WsSocket socket;
  private Pid process;

  ProcessListener(String handler, HttpServer.WebSocketLimits limits) {
    this.handler = handler;
    this.limits = limits;
  }

  @Override
  public void onOpen(WsSession session) {
    socket = new WsSocket(session, limits.maxBufferedBytes());
    try {
      @SuppressWarnings("unchecked")
      GenServer<Object> callbacks =
          (GenServer<Object>)
              CodeServer.newInstance(
                  UpgradingRouting.current(handler, "WebSocket handler"), GenServer.class);
      process = GenServer.start(callbacks, new WsConnection(socket));
    } catch (RuntimeException e) {
      LOG.warn("a WebSocket connection's process, of {}, did not start: {}", handler, e.toString());
      socket.close(1011, "the connection's process did not start");
      return;
    }
    socket.own(process);
    OPEN.put(session, this);
  }

  /** Connection {@code session} has ended: its process hears so, if nobody told it why yet. */
  static void ended(Object session) {
    ProcessListener listener = OPEN.remove(session);
    if (listener != null) {
      listener.socket.closedByPeer(1006, "the connection ended");
    }
  }

  @Override
  public void onMessage(WsSession session, String part, boolean last) {
    if (process == null || tooBig(text.length() + part.length())) {
      return;
    }
    text.append(part);
    if (last) {
      deliver(new WsText(socket, text.toString()));
      text.setLength(0);
    }
  }

  @Override
  public void onMessage(WsSession session, BufferData part, boolean last) {
    if (process == null || tooBig(binary.size() + part.available())) {
      return;
    }
    byte[] bytes = new byte[part.available()];
    part.read(bytes);
    binary.writeBytes(bytes);
    if (last) {
      deliver(new WsBinary(socket, binary.toByteArray()));
      binary.reset();
    }
  }

  private boolean tooBig(long size) {
    if (size <= limits.maxMessageBytes()) {
      return false;
    }
    socket.closeNow(1009, "a message longer than " + limits.maxMessageBytes() + " bytes");
    return true;
  }

  private void deliver(Object message) {
    try {
      while (Process.mailboxSize(process) >= limits.maxMailbox() && Process.isAlive(process)) {
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Process.send(process, message);
  }

  /** Answers a ping with its data, as RFC 6455 asks. */
  @Override
  public void onPing(WsSession session, BufferData data) {
    byte[] bytes = new byte[data.available()];
    data.read(bytes);
    try {
      session.pong(BufferData.create(bytes));
    } catch (RuntimeException e) {
      // the connection is ending; its process hears of it
    }
  }

  @Override
  public void onClose(WsSession session, int status, String reason) {
    if (process != null) {
      socket.closedByPeer(status, reason);
    }
  }

  @Override
  public void onError(WsSession session, Throwable error) {
    if (process != null) {
      socket.closedByPeer(1011, String.valueOf(error));
    }
  }
}
