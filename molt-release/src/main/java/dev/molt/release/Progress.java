package dev.molt.release;

import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The phases of a release operation as it runs (unpack, each step of an install, make permanent):
 * logged at INFO, and told to whoever asked for them with {@link ReleaseHandler#reporting}, which
 * is how {@code bin/<name> upgrade} shows an operator what the node is doing while it does it.
 */
final class Progress {
  private Progress() {}

  static final ScopedValue<Consumer<String>> SINK = ScopedValue.newInstance();

  /** Logs {@code text} and tells it to the operation's sink, if there is one. */
  static void phase(Logger log, String text) {
    log.info(text);
    if (SINK.isBound()) {
      try {
        SINK.get().accept(text);
      } catch (RuntimeException e) {
        log.debug("progress not delivered: {}", e.toString()); // never fails the operation
      }
    }
  }

  /** Milliseconds, for a phase's line. */
  static String millis(long nanos) {
    return String.format(java.util.Locale.ROOT, "%,.1f ms", nanos / 1e6);
  }
}
