package dev.molt.examples.octochat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** OctochatIT's clients: chat over TCP or a WebSocket, and HTTP GETs at a steady rate. */
final class ChatLoad {
  private ChatLoad() {}

  /** One chat client, over TCP or a WebSocket: what it sent, and what it saw from each sender. */
  abstract static class Client {
    final int id;
    final int room;
    final AtomicLong sent = new AtomicLong();

    /** Sender id to the next sequence number expected from it. */
    final Map<Integer, Long> next = new ConcurrentHashMap<>();

    final ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();

    Client(int id) {
      this.id = id;
      this.room = id / 10;
    }

    /** The next line from the server; null once the connection has ended. */
    abstract String readLine() throws IOException;

    abstract void say(String line) throws IOException;

    abstract void close() throws IOException;
  }

  static final class TcpClient extends Client {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;

    TcpClient(int id, int port) throws IOException {
      super(id);
      this.socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(60_000);
      this.in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      this.out = socket.getOutputStream();
    }

    @Override
    String readLine() throws IOException {
      return in.readLine();
    }

    @Override
    synchronized void say(String line) throws IOException {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    @Override
    void close() throws IOException {
      socket.close();
    }
  }

  /** A client of octochat's WebSocket endpoint, {@code /chat}: a message is a line. */
  static final class WsClient extends Client implements WebSocket.Listener {
    private static final String END = new String("end");
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final StringBuilder partial = new StringBuilder();
    final WebSocket socket;

    WsClient(int id, HttpClient http, int port) throws IOException {
      super(id);
      try {
        this.socket =
            http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat"), this)
                .get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("WebSocket client " + id + " could not connect", e);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        lines.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int status, String reason) {
      lines.add(END);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      lines.add(END);
    }

    @Override
    String readLine() throws IOException {
      try {
        String line = lines.poll(60, TimeUnit.SECONDS);
        if (line == null) {
          throw new IOException("WebSocket client " + id + ": nothing for 60 s");
        }
        return line == END ? null : line;
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }

    @Override
    synchronized void say(String line) throws IOException {
      try {
        socket.sendText(line, true).get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IOException("WebSocket client " + id + " could not send", e);
      }
    }

    @Override
    void close() {
      socket.abort();
      lines.add(END);
    }
  }

  /** GETs at a steady rate, counting answers that failed. */
  static final class HttpLoad {
    final AtomicLong ok = new AtomicLong();
    final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    final Thread thread;

    HttpLoad(HttpClient http, URI uri, int perSecond) {
      thread =
          Thread.ofVirtual()
              .start(
                  () -> {
                    long period = 1_000_000_000L / perSecond;
                    long due = System.nanoTime();
                    while (running.get()) {
                      try {
                        HttpResponse<String> response =
                            http.send(
                                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200 && response.body().contains("r0\n")) {
                          ok.incrementAndGet();
                        } else {
                          failed.add(response.statusCode() + " " + response.body());
                        }
                      } catch (IOException | InterruptedException e) {
                        failed.add(e.toString());
                      }
                      due += period;
                      LockSupport.parkNanos(due - System.nanoTime());
                    }
                  });
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }
}
