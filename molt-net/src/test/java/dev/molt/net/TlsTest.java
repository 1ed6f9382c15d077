package dev.molt.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Process;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener over TLS (the JDK's), with a key made by keytool for the test. */
class TlsTest {
  @TempDir Path work;

  private KeyStore keyStore() throws Exception {
    Path store = work.resolve("test.p12");
    java.lang.Process keytool =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair",
                    "-alias",
                    "test",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost",
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    store.toString(),
                    "-storepass",
                    "changeit"))
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(out).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    return keys;
  }

  @Test
  void aTlsListenerEchoesForATlsClientAndDropsAPlainOne() throws Exception {
    KeyStore keys = keyStore();
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);

    TcpListener.start(
        TcpListener.spec("tls", 0, EchoConnection.class)
            .withSocket(SocketOptions.lines())
            .withTls(server));
    try {
      int port = TcpListener.port("tls");
      try (Socket plain = new Socket("127.0.0.1", port)) {
        plain.setSoTimeout(10_000);
        plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes());
        // not a TLS record: the handshake fails and the server closes (an alert, then the end)
        InputStream in = plain.getInputStream();
        while (in.read() >= 0) {
          // the alert's bytes
        }
      }
      CompletableFuture<String> answer = new CompletableFuture<>();
      Process.spawn(
          () -> {
            try (TcpSocket socket =
                Tcp.connectTls(
                    "127.0.0.1", port, SocketOptions.lines(), Duration.ofSeconds(10), client)) {
              socket.send("over tls");
              answer.complete(new String(socket.recv(Duration.ofSeconds(10)).orElseThrow()));
            } catch (Exception e) {
              answer.completeExceptionally(e);
            }
          });
      assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("echo: over tls");
    } finally {
      TcpListener.stop("tls");
    }
  }
}
