package dev.molt.release;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checks every text file of a release passes at unpack, before it is parsed: valid UTF-8, and
 * no bidirectional control characters, which could make a name or a version read differently from
 * what it is (U+202E turns {@code 1.0.0} around on screen). A failure names the file, the line and
 * the column.
 */
final class TextCheck {
  private TextCheck() {}

  /** Null if {@code file} is clean; otherwise {@code name:line:col: what is wrong}. */
  static String problem(Path file, String name) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      return name
          + ":"
          + position(bytes, at)
          + ": not valid UTF-8 (byte 0x"
          + String.format("%02X", bytes[at] & 0xFF)
          + ")";
    }
    decoder.flush(out);
    out.flip();
    int line = 1;
    int column = 1;
    while (out.hasRemaining()) {
      char c = out.get();
      if (isBidiControl(c)) {
        return name
            + ":"
            + line
            + ":"
            + column
            + ": a bidirectional control character (U+"
            + String.format("%04X", (int) c)
            + ") is not allowed";
      }
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return null;
  }

  /** The bidirectional controls (Unicode's Bidi_Control property), refused in names too. */
  static boolean isBidiControl(int c) {
    return c == 0x061C
        || c == 0x200E
        || c == 0x200F
        || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069);
  }

  /** {@code line:col} of the byte at {@code offset}, counting characters of the valid prefix. */
  private static String position(byte[] bytes, int offset) {
    String before = new String(bytes, 0, offset, StandardCharsets.UTF_8);
    int line = 1;
    int lastNewline = -1;
    for (int i = 0; i < before.length(); i++) {
      if (before.charAt(i) == '\n') {
        line++;
        lastNewline = i;
      }
    }
    return line + ":" + (before.codePointCount(lastNewline + 1, before.length()) + 1);
  }
}
