package dev.molt.http;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/** A client that queues what it receives; it reads only when {@code reads}. */
final class WsTestClient implements WebSocket.Listener {
  final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  final boolean reads;

  WsTestClient(boolean reads) {
    this.reads = reads;
  }

  @Override
  public void onOpen(WebSocket socket) {
    if (reads) {
      socket.request(1);
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
    received.add(data.toString());
    socket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
    received.add("pong " + StandardCharsets.UTF_8.decode(message));
    socket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
    received.add("closed " + status);
    return null;
  }

  @Override
  public void onError(WebSocket socket, Throwable error) {
    received.add("error " + error);
  }
}
