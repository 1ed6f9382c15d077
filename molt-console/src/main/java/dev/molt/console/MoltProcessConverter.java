package dev.molt.console;

import static org.apiguardian.api.API.Status.INTERNAL;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.molt.Process;
import org.apiguardian.api.API;

/**
 * {@code %molt} in the node's log pattern: the Molt process that logged ({@code <0.42.0>}), or the
 * thread's name when the line comes from outside any process. Virtual threads have no name of their
 * own, which is why a plain {@code %thread} shows {@code []}.
 */
@API(status = INTERNAL, since = "0.2")
public final class MoltProcessConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    // logging is synchronous here: the event is converted on the thread that logged it
    return Process.current().map(Object::toString).orElseGet(() -> threadName(event));
  }

  private static String threadName(ILoggingEvent event) {
    String name = event.getThreadName();
    return name == null || name.isEmpty() ? "-" : name;
  }
}
