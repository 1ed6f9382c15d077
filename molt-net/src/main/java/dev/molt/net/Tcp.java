package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.Process;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apiguardian.api.API;

/** Client connections, as {@code gen_tcp:connect}; listeners are {@link TcpListener}. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Tcp {
  private Tcp() {}

  /**
   * Connects to {@code host:port}. The calling process, if it is one, controls the socket: it gets
   * its messages once the socket is active, and the socket closes when it exits.
   */
  public static TcpSocket connect(String host, int port, SocketOptions options, Duration timeout)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(
          new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      return new TcpSocket(socket, options, Process.current().orElse(null));
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** {@link #connect(String, int, SocketOptions, Duration)} over TLS, with {@code context}. */
  public static TcpSocket connectTls(
      String host, int port, SocketOptions options, Duration timeout, SSLContext context)
      throws IOException {
    Socket plain = new Socket();
    try {
      plain.connect(
          new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
      tls.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      tls.startHandshake();
      tls.setSoTimeout(0);
      return new TcpSocket(tls, options, Process.current().orElse(null));
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw e;
    }
  }
}
