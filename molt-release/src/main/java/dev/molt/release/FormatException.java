package dev.molt.release;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A release descriptor, appup or relup that cannot be read: the one error their parsers throw. The
 * message starts with {@code file:line:column:} (both 1-based) and shows the offending line with a
 * caret under the column, as a compiler would.
 */
@API(status = STABLE, since = "0.1")
public final class FormatException extends RuntimeException {
  private final String file;
  private final int line;
  private final int column;
  private final String reason;

  FormatException(String file, int line, int column, String reason, String sourceLine) {
    super(file + ":" + line + ":" + column + ": " + reason + caret(sourceLine, column));
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  private static String caret(String sourceLine, int column) {
    if (sourceLine == null) {
      return "";
    }
    String shown = sourceLine.length() > 160 ? sourceLine.substring(0, 160) + "..." : sourceLine;
    StringBuilder caret = new StringBuilder();
    for (int i = 0; i < Math.min(column - 1, shown.length()); i++) {
      caret.append(shown.charAt(i) == '\t' ? '\t' : ' ');
    }
    return "\n  " + shown.replaceAll("\\p{Cntrl}", "?") + "\n  " + caret + "^";
  }

  /** The file as it was named to the parser. */
  public String file() {
    return file;
  }

  /** 1-based line. */
  public int line() {
    return line;
  }

  /** 1-based column. */
  public int column() {
    return column;
  }

  /** What is wrong, without the position. */
  public String reason() {
    return reason;
  }
}
