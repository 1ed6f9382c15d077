package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * How a socket's byte stream is cut into messages, as {@code {packet, ...}} in {@code gen_tcp}.
 * Each is one {@link TcpData} on the way in and one {@link TcpSocket#send} on the way out.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Packet {
  /** Bytes as they arrive; sent as given. */
  RAW,
  /**
   * Lines ending with {@code \n} (a {@code \r} before it is dropped too), delivered without the
   * ending; {@code send} adds {@code \n}. A line longer than the maximum packet closes the socket.
   */
  LINE,
  /**
   * Each message prefixed with its length, 4 bytes big-endian; {@code send} adds the prefix. A
   * length above the maximum packet closes the socket.
   */
  LENGTH_4
}
