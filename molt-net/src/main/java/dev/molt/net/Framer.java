package dev.molt.net;

import java.util.Arrays;

/** Cuts the bytes read from a socket into messages ({@link Packet}); one per socket, not shared. */
final class Framer {
  /** A message over the maximum packet: the socket is closed with this reason. */
  static final class TooLong extends Exception {
    TooLong(String message) {
      super(message);
    }
  }

  private final Packet packet;
  private final int maxPacket;
  private byte[] buffer = new byte[1024];
  private int start;
  private int end;

  /** Where the search for a line's end resumes, so that a long line is scanned once. */
  private int scanned;

  Framer(Packet packet, int maxPacket) {
    this.packet = packet;
    this.maxPacket = maxPacket;
  }

  /** Appends bytes read from the socket. */
  void add(byte[] bytes, int offset, int length) {
    if (end + length > buffer.length) {
      int live = end - start;
      if (live + length <= buffer.length / 2) {
        System.arraycopy(buffer, start, buffer, 0, live);
      } else {
        buffer = Arrays.copyOfRange(buffer, start, Math.max(buffer.length * 2, live + length));
      }
      scanned -= start;
      end = live;
      start = 0;
    }
    System.arraycopy(bytes, offset, buffer, end, length);
    end += length;
  }

  /** The next complete message, or null if more bytes are needed. */
  byte[] next() throws TooLong {
    return switch (packet) {
      case RAW -> {
        if (end == start) {
          yield null;
        }
        byte[] all = Arrays.copyOfRange(buffer, start, end);
        start = end = scanned = 0;
        yield all;
      }
      case LINE -> line();
      case LENGTH_4 -> prefixed();
    };
  }

  private byte[] line() throws TooLong {
    for (int i = Math.max(scanned, start); i < end; i++) {
      if (buffer[i] == '\n') {
        int stop = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
        if (stop - start > maxPacket) {
          throw new TooLong(
              "a line of " + (stop - start) + " bytes, over the maximum of " + maxPacket);
        }
        byte[] line = Arrays.copyOfRange(buffer, start, stop);
        start = i + 1;
        scanned = start;
        return line;
      }
    }
    scanned = end;
    if (end - start > maxPacket + 1) {
      throw new TooLong("a line of more than " + maxPacket + " bytes with no end");
    }
    return null;
  }

  private byte[] prefixed() throws TooLong {
    if (end - start < 4) {
      return null;
    }
    long length =
        ((buffer[start] & 0xffL) << 24)
            | ((buffer[start + 1] & 0xff) << 16)
            | ((buffer[start + 2] & 0xff) << 8)
            | (buffer[start + 3] & 0xff);
    if (length > maxPacket) {
      throw new TooLong("a message of " + length + " bytes, over the maximum of " + maxPacket);
    }
    if (end - start - 4 < length) {
      return null;
    }
    byte[] message = Arrays.copyOfRange(buffer, start + 4, start + 4 + (int) length);
    start += 4 + (int) length;
    return message;
  }

  /** What {@code send} writes for {@code data}: with the line ending or the length prefix. */
  static byte[] frame(Packet packet, byte[] data) {
    return switch (packet) {
      case RAW -> data;
      case LINE -> {
        byte[] line = Arrays.copyOf(data, data.length + 1);
        line[data.length] = '\n';
        yield line;
      }
      case LENGTH_4 -> {
        byte[] framed = new byte[data.length + 4];
        framed[0] = (byte) (data.length >>> 24);
        framed[1] = (byte) (data.length >>> 16);
        framed[2] = (byte) (data.length >>> 8);
        framed[3] = (byte) data.length;
        System.arraycopy(data, 0, framed, 4, data.length);
        yield framed;
      }
    };
  }
}
