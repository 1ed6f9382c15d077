package dev.molt.release;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** Writes the formats back as text that {@link Syntax} reads: words bare, anything else quoted. */
final class Writer {
  private static final Pattern BARE = Pattern.compile("[^\\s{}\\[\\]=,;\"#\\p{Cntrl}]+");
  private final StringBuilder out = new StringBuilder();
  private int depth;

  Writer comment(String text) {
    text.lines().forEach(line -> indent().append("# ").append(line).append('\n'));
    return this;
  }

  Writer open(String keyword, Object... args) {
    line(keyword, args);
    out.setLength(out.length() - 1);
    out.append(" {\n");
    depth++;
    return this;
  }

  Writer close() {
    depth--;
    indent().append("}\n");
    return this;
  }

  /** A statement; an argument that is a {@link Opt} is written as {@code key=value}. */
  Writer line(String keyword, Object... args) {
    indent().append(keyword);
    for (Object arg : args) {
      if (arg == null) {
        continue;
      }
      out.append(' ');
      if (arg instanceof Opt option) {
        out.append(option.key).append('=');
        if (option.value instanceof List<?> list) {
          out.append('[');
          for (int i = 0; i < list.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(atom(list.get(i)));
          }
          out.append(']');
        } else {
          out.append(atom(option.value));
        }
      } else {
        out.append(atom(arg));
      }
    }
    out.append('\n');
    return this;
  }

  private StringBuilder indent() {
    return out.append("  ".repeat(depth));
  }

  /** A value as a word if it can be one, else quoted; a {@link Quoted} always quoted. */
  static String atom(Object value) {
    String text = value instanceof Quoted quoted ? quoted.text() : String.valueOf(value);
    if (!(value instanceof Quoted) && BARE.matcher(text).matches()) {
      return text;
    }
    return '"'
        + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t")
        + '"';
  }

  /**
   * {@code key=value}; null when {@code value} is null or an empty list, so that it is left out.
   */
  static Opt opt(String key, Object value) {
    if (value == null || (value instanceof List<?> list && list.isEmpty())) {
      return null;
    }
    return new Opt(key, value);
  }

  static String duration(Duration duration) {
    if (duration == null) {
      return "infinity";
    }
    long millis = duration.toMillis();
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  record Opt(String key, Object value) {}

  /** A string written in quotes even if it could be a word, so that it reads back as a string. */
  record Quoted(String text) {}

  @Override
  public String toString() {
    return out.toString();
  }
}
