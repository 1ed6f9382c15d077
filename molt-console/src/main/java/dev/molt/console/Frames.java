package dev.molt.console;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The control channel's wire format. A request is a list of strings: the protocol name ({@value
 * #PROTOCOL}), the credential (the cookie over TCP, empty over the Unix socket), the command and
 * its arguments. A reply is a status ({@code 0} ok, {@code 1} failed) and one text. Before it, a
 * node may send any number of progress frames (status {@code 2} and one line: a phase of an upgrade
 * as it goes), to a client that named protocol {@value #PROTOCOL}; one that names {@value
 * #PROTOCOL_WITHOUT_PROGRESS} gets none. Both are length-prefixed (big-endian int) UTF-8, and
 * bounded so that a hostile peer cannot make the node allocate much.
 */
final class Frames {
  static final String PROTOCOL = "molt-control/2";

  /** The first protocol: the same frames without progress; still accepted. */
  static final String PROTOCOL_WITHOUT_PROGRESS = "molt-control/1";

  static final int MAX_STRINGS = 64;
  static final int MAX_STRING = 1 << 20;
  static final int OK = 0;
  static final int FAILED = 1;
  static final int PROGRESS = 2;

  private Frames() {}

  /** A malformed frame: wrong sizes, truncated, or not UTF-8. */
  static final class BadFrame extends IOException {
    BadFrame(String message) {
      super(message);
    }
  }

  static void writeRequest(DataOutputStream out, List<String> strings) throws IOException {
    out.writeInt(strings.size());
    for (String string : strings) {
      writeString(out, string);
    }
    out.flush();
  }

  /** Decides, from a request's protocol and credential, whether the rest of it is read. */
  @FunctionalInterface
  interface Gate {
    /** Null to go on; otherwise why the request is refused. */
    String check(String protocol, String credential);
  }

  /** Refused by its {@link Gate}: the rest of the request was not read. */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * Reads a request. The protocol and the credential come first and are small (64 and 256 bytes at
   * most), so that {@code gate} refuses an unauthenticated peer before it can make the node read
   * and allocate the rest.
   */
  static List<String> readRequest(DataInputStream in, Gate gate) throws IOException {
    int count = in.readInt();
    if (count < 3 || count > MAX_STRINGS) {
      throw new BadFrame("a request has 3 to " + MAX_STRINGS + " strings, not " + count);
    }
    List<String> strings = new ArrayList<>(count);
    strings.add(readString(in, 64));
    strings.add(readString(in, 256));
    String refused = gate.check(strings.get(0), strings.get(1));
    if (refused != null) {
      throw new Refused(refused);
    }
    for (int i = 2; i < count; i++) {
      strings.add(readString(in, MAX_STRING));
    }
    return strings;
  }

  /**
   * Writes a reply; one whose text is longer than a reply may be ({@value #MAX_STRING} bytes) is
   * replaced by a failure that says so, rather than breaking the frame.
   */
  static void writeReply(DataOutputStream out, int status, String text) throws IOException {
    int size = text.length() <= MAX_STRING / 3 ? 0 : utf8Length(text);
    if (size > MAX_STRING) {
      status = FAILED;
      text =
          "the reply is "
              + size
              + " bytes, more than the "
              + MAX_STRING
              + " a reply may hold; print less of it (keep it in a variable and look at a part)";
    }
    out.writeInt(status);
    writeString(out, text);
    out.flush();
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  record Reply(int status, String text) {
    boolean ok() {
      return status == OK;
    }
  }

  /** One line of progress, before the reply. */
  static void writeProgress(DataOutputStream out, String line) throws IOException {
    out.writeInt(PROGRESS);
    writeString(out, line);
    out.flush();
  }

  /** Reads a reply, dropping any progress frame before it. */
  static Reply readReply(DataInputStream in) throws IOException {
    return readReply(in, line -> {});
  }

  /** Reads a reply; each progress frame before it goes to {@code progress} as it arrives. */
  static Reply readReply(DataInputStream in, java.util.function.Consumer<String> progress)
      throws IOException {
    while (true) {
      int status = in.readInt();
      if (status == PROGRESS) {
        progress.accept(readString(in, MAX_STRING));
        continue;
      }
      if (status != OK && status != FAILED) {
        throw new BadFrame("unknown reply status " + status);
      }
      return new Reply(status, readString(in, MAX_STRING));
    }
  }

  private static void writeString(DataOutputStream out, String string) throws IOException {
    byte[] bytes = string.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_STRING) {
      throw new BadFrame("a string of " + bytes.length + " bytes is longer than " + MAX_STRING);
    }
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(DataInputStream in, int max) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > max) {
      throw new BadFrame("a string here is 0 to " + max + " bytes, not " + length);
    }
    byte[] bytes = new byte[length];
    try {
      in.readFully(bytes);
    } catch (EOFException e) {
      throw new BadFrame("truncated: " + length + " bytes announced");
    }
    var decoder = StandardCharsets.UTF_8.newDecoder();
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new BadFrame("a string is not UTF-8");
    }
  }
}
