package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * How a socket frames and buffers.
 *
 * @param packet how the stream is cut into messages
 * @param maxPacket the longest message, in bytes: a longer line or length closes the socket
 * @param maxBufferedBytes the most bytes sent and not yet written to the peer; a send beyond it
 *     closes the socket, since the peer does not read
 * @param noDelay TCP_NODELAY: small messages go out at once (on by default, for chat and
 *     request/reply)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SocketOptions(Packet packet, int maxPacket, long maxBufferedBytes, boolean noDelay) {
  /** Raw bytes, 64 KiB messages, 1 MiB of unsent output, TCP_NODELAY. */
  public static final SocketOptions DEFAULTS =
      new SocketOptions(Packet.RAW, 64 * 1024, 1 << 20, true);

  public SocketOptions {
    if (packet == null) {
      throw new IllegalArgumentException("packet must not be null");
    }
    if (maxPacket < 1) {
      throw new IllegalArgumentException("maxPacket must be at least 1, not " + maxPacket);
    }
    if (maxBufferedBytes < 1) {
      throw new IllegalArgumentException(
          "maxBufferedBytes must be at least 1, not " + maxBufferedBytes);
    }
  }

  /** The defaults with lines. */
  public static SocketOptions lines() {
    return DEFAULTS.withPacket(Packet.LINE);
  }

  public SocketOptions withPacket(Packet packet) {
    return new SocketOptions(packet, maxPacket, maxBufferedBytes, noDelay);
  }

  public SocketOptions withMaxPacket(int maxPacket) {
    return new SocketOptions(packet, maxPacket, maxBufferedBytes, noDelay);
  }

  public SocketOptions withMaxBufferedBytes(long maxBufferedBytes) {
    return new SocketOptions(packet, maxPacket, maxBufferedBytes, noDelay);
  }

  public SocketOptions withNoDelay(boolean noDelay) {
    return new SocketOptions(packet, maxPacket, maxBufferedBytes, noDelay);
  }
}
