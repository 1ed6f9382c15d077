package dev.molt.console;

import org.slf4j.LoggerFactory;

/**
 * Per-package log levels from {@code -Dmolt.log.levels=dev.molt=DEBUG,com.example=WARN}, applied to
 * the node's Logback at start. Without Logback (a node embedded elsewhere) it does nothing.
 */
final class LogLevels {
  private LogLevels() {}

  /** Applies {@code spec} (null or blank: nothing); a malformed entry fails with its text. */
  static void apply(String spec) {
    if (spec == null || spec.isBlank()) {
      return;
    }
    for (String entry : spec.split(",")) {
      String[] parts = entry.strip().split("=", -1);
      if (parts.length != 2 || parts[0].isBlank()) {
        throw new IllegalArgumentException(
            "molt.log.levels: '" + entry.strip() + "' is not <logger>=<level>");
      }
      String level = parts[1].strip().toUpperCase(java.util.Locale.ROOT);
      if (!java.util.Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level)) {
        throw new IllegalArgumentException(
            "molt.log.levels: '" + parts[1].strip() + "' is not a level (TRACE to ERROR, or OFF)");
      }
      try {
        if (LoggerFactory.getLogger(parts[0].strip())
            instanceof ch.qos.logback.classic.Logger logger) {
          logger.setLevel(ch.qos.logback.classic.Level.toLevel(level));
        }
      } catch (NoClassDefFoundError noLogback) {
        return; // another backend: its own configuration sets the levels
      }
    }
  }
}
