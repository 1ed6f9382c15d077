package dev.molt.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.molt.Process;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A listener and its connections' processes, with real sockets and real, hostile, clients. */
class TcpListenerTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private final String name = "echo" + NAMES.incrementAndGet();
  private final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void clearEvents() {
    EchoConnection.EVENTS.clear();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket client : clients) {
      client.close();
    }
    if (Process.whereis(name).isPresent()) {
      TcpListener.stop(name);
    }
  }

  private int listen(TcpListener.Spec spec) {
    TcpListener.start(spec);
    return TcpListener.port(name);
  }

  private TcpListener.Spec lines() {
    return TcpListener.spec(name, 0, EchoConnection.class).withSocket(SocketOptions.lines());
  }

  /** A client: a plain socket, with a reader and a writer of lines. */
  private record Client(Socket socket, BufferedReader in, PrintWriter out) {
    String ask(String line) throws IOException {
      out.println(line);
      return in.readLine();
    }
  }

  private Client connect(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    clients.add(socket);
    return new Client(
        socket,
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)),
        new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8));
  }

  @Test
  void echoesLinesInOrderForManyClientsAtOnce() throws Exception {
    int port = listen(lines());
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int c = 0; c < 50; c++) {
      int client = c;
      all.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  Client me = connect(port);
                  for (int i = 0; i < 20; i++) {
                    assertThat(me.ask(client + " line " + i))
                        .isEqualTo("echo: " + client + " line " + i);
                  }
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertThat(TcpListener.info(name).accepted()).isEqualTo(50);
  }

  @Test
  void aClientThatNeverReadsIsClosedWhenItsOutputPilesUp() throws Exception {
    int port = listen(lines().withSocket(SocketOptions.lines().withMaxBufferedBytes(64 * 1024)));
    Client lazy = connect(port);
    lazy.out().println("flood 100000"); // 100 MB it never reads
    assertThat(EchoConnection.EVENTS.poll(20, TimeUnit.SECONDS)).isEqualTo("started");
    assertThat(EchoConnection.EVENTS.poll(20, TimeUnit.SECONDS))
        .startsWith("error the peer does not read: ")
        .endsWith("over maxBufferedBytes 65536");
    assertThat(EchoConnection.EVENTS.poll(20, TimeUnit.SECONDS)).isEqualTo("closed");
    await().atMost(Duration.ofSeconds(10)).until(() -> TcpListener.info(name).connections() == 0);
    Client other = connect(port);
    assertThat(other.ask("still there?")).isEqualTo("echo: still there?");
  }

  @Test
  void aHalfClosedClientEndsItsConnection() throws Exception {
    int port = listen(lines());
    Client half = connect(port);
    assertThat(half.ask("hi")).isEqualTo("echo: hi");
    half.socket().shutdownOutput();
    await().atMost(Duration.ofSeconds(10)).until(() -> EchoConnection.EVENTS.contains("closed"));
    await().atMost(Duration.ofSeconds(10)).until(() -> TcpListener.info(name).connections() == 0);
    assertThat(half.in().read()).as("the server closed its side too").isEqualTo(-1);
  }

  @Test
  void aClientThatSendsNothingHoldsOneConnectionAndDelaysNoOne() throws Exception {
    int port = listen(lines());
    Client silent = connect(port);
    await().atMost(Duration.ofSeconds(10)).until(() -> TcpListener.info(name).connections() == 1);
    Client other = connect(port);
    assertThat(other.ask("hello")).isEqualTo("echo: hello");
    silent.socket().close();
    await().atMost(Duration.ofSeconds(10)).until(() -> TcpListener.info(name).connections() == 1);
  }

  @Test
  void garbageEndsTheConnectionWithItsReason() throws Exception {
    int port =
        listen(
            TcpListener.spec(name, 0, EchoConnection.class)
                .withSocket(SocketOptions.DEFAULTS.withPacket(Packet.LENGTH_4)));
    Socket hostile = new Socket("127.0.0.1", port);
    clients.add(hostile);
    hostile.setSoTimeout(10_000);
    OutputStream out = hostile.getOutputStream();
    out.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
    out.flush();
    assertThat(EchoConnection.EVENTS.poll(10, TimeUnit.SECONDS)).isEqualTo("started");
    assertThat(EchoConnection.EVENTS.poll(10, TimeUnit.SECONDS))
        .isEqualTo("error a message of 4294967295 bytes, over the maximum of 65536");
    assertThat(hostile.getInputStream().read()).isEqualTo(-1);
  }

  @Test
  void anEndlessLineEndsTheConnectionAndNoMemoryGoesWithIt() throws Exception {
    int port = listen(lines());
    Client hostile = connect(port);
    hostile.out().print("y".repeat(200_000));
    hostile.out().flush();
    assertThat(EchoConnection.EVENTS.poll(10, TimeUnit.SECONDS)).isEqualTo("started");
    assertThat(EchoConnection.EVENTS.poll(10, TimeUnit.SECONDS))
        .isEqualTo("error a line of more than 65536 bytes with no end");
  }

  @Test
  void atMaxConnectionsANewClientWaitsUntilOneCloses() throws Exception {
    int port = listen(lines().withMaxConnections(2).withAcceptors(2));
    Client first = connect(port);
    Client second = connect(port);
    assertThat(first.ask("1")).isEqualTo("echo: 1");
    assertThat(second.ask("2")).isEqualTo("echo: 2");
    Client third = connect(port); // the kernel completes the handshake: it waits in the backlog
    third.socket().setSoTimeout(700);
    third.out().println("3");
    boolean answered;
    try {
      answered = third.in().readLine() != null;
    } catch (SocketTimeoutException e) {
      answered = false;
    }
    assertThat(answered).as("served at the limit").isFalse();
    first.out().println("quit");
    third.socket().setSoTimeout(10_000);
    assertThat(third.in().readLine()).isEqualTo("echo: 3");
  }

  @Test
  void theSocketClosesWhenItsProcessStops() throws Exception {
    int port = listen(lines());
    Client client = connect(port);
    client.out().println("quit");
    assertThat(client.in().read()).isEqualTo(-1);
  }

  @Test
  void stoppingTheListenerClosesItsPortAndItsConnections() throws Exception {
    int port = listen(lines());
    Client client = connect(port);
    assertThat(client.ask("x")).isEqualTo("echo: x");
    TcpListener.stop(name);
    assertThat(client.in().read()).isEqualTo(-1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void aProcessReadsPassivelyWithATimeoutAndActivelyNMessagesAtATime() throws Exception {
    int port = listen(lines());
    CompletableFuture<List<Object>> seen = new CompletableFuture<>();
    Process.spawn(
        () -> {
          try (TcpSocket socket =
              Tcp.connect("127.0.0.1", port, SocketOptions.lines(), Duration.ofSeconds(5))) {
            List<Object> got = new ArrayList<>();
            got.add(socket.recv(Duration.ofMillis(200)).isPresent()); // nothing came: false
            socket.send("a");
            got.add(new String(socket.recv(Duration.ofSeconds(5)).orElseThrow()));
            socket.send("b");
            socket.send("c");
            socket.setActive(2);
            for (int i = 0; i < 3; i++) {
              got.add(
                  switch (Process.receive(Duration.ofSeconds(5)).orElseThrow()) {
                    case TcpData data -> data.text();
                    case TcpPassive passive -> "passive";
                    default -> "other";
                  });
            }
            seen.complete(got);
          } catch (Exception e) {
            seen.completeExceptionally(e);
          }
        });
    assertThat(seen.get(30, TimeUnit.SECONDS))
        .containsExactly(false, "echo: a", "echo: b", "echo: c", "passive");
  }
}
