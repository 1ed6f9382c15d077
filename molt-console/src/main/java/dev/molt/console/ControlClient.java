package dev.molt.console;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The client end of the control channel: one connection, any number of requests. */
final class ControlClient implements AutoCloseable {
  private final SocketChannel channel;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final String credential;

  /** Where the progress lines before a reply go (an upgrade's phases); dropped by default. */
  private java.util.function.Consumer<String> progress = line -> {};

  private ControlClient(SocketChannel channel, String credential) {
    this.channel = channel;
    this.in = new DataInputStream(Channels.newInputStream(channel));
    this.out = new DataOutputStream(Channels.newOutputStream(channel));
    this.credential = credential;
  }

  /** Connects to the node of {@code root} over its Unix socket. */
  static ControlClient unix(Path root) throws IOException {
    Path socket = ControlServer.socketPath(root);
    if (!Files.exists(socket)) {
      throw new IOException("no node is running with root " + root + " (no " + socket + ")");
    }
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      channel.close();
      throw new IOException("no node answers on " + socket + " (" + e.getMessage() + ")", e);
    }
    return new ControlClient(channel, "");
  }

  /** Connects over loopback TCP with {@code cookie}. */
  static ControlClient tcp(int port, String cookie) throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      channel.close();
      throw new IOException("no node answers on tcp port " + port + " (" + e.getMessage() + ")", e);
    }
    return new ControlClient(channel, cookie);
  }

  /** Whether a node answers a ping on {@code socket} within two seconds. */
  static boolean answers(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      ControlClient client = new ControlClient(channel, "");
      var ping =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.call("ping").ok();
                } catch (IOException e) {
                  return false;
                }
              },
              runnable -> ControlThreads.start("molt-control-ping", runnable));
      try {
        return ping.get(2, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends the progress lines of the replies to come to {@code sink} as they arrive. */
  ControlClient onProgress(java.util.function.Consumer<String> sink) {
    this.progress = sink;
    return this;
  }

  Frames.Reply call(String command, String... args) throws IOException {
    return call(command, List.of(args));
  }

  Frames.Reply call(String command, List<String> args) throws IOException {
    List<String> request = new ArrayList<>(List.of(Frames.PROTOCOL, credential, command));
    request.addAll(args);
    Frames.writeRequest(out, request);
    try {
      return Frames.readReply(in, progress);
    } catch (java.io.EOFException | java.net.SocketException e) {
      throw new IOException(
          "the node closed the connection before it answered '"
              + command
              + "': it stopped or died meanwhile (its log says why)",
          e);
    }
  }

  /**
   * Waits until the node closes this connection (its process exited), at most {@code timeout};
   * false if it is still open then. Anything the node sends meanwhile is dropped.
   */
  boolean awaitClose(Duration timeout) throws IOException {
    CompletableFuture<Void> closed =
        CompletableFuture.runAsync(
            () -> {
              try {
                while (in.read() >= 0) {
                  // nothing more is expected after the reply to stop
                }
              } catch (IOException e) {
                // a reset is a close too
              }
            },
            runnable -> ControlThreads.start("molt-control-await-close", runnable));
    try {
      closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
