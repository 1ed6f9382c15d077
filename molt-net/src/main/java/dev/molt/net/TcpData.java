package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.charset.StandardCharsets;
import org.apiguardian.api.API;

/**
 * A message that arrived on {@code socket}, sent to its controlling process in active mode: one
 * line, one length-prefixed message, or the bytes one read returned ({@link Packet}).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TcpData(TcpSocket socket, byte[] data) {
  /** The data as UTF-8 text. */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "TcpData[" + socket + ", " + data.length + " bytes]";
  }
}
