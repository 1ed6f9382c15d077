package dev.molt.console;

import static org.apiguardian.api.API.Status.INTERNAL;

import ch.qos.logback.core.OutputStreamAppender;
import java.io.OutputStream;
import org.apiguardian.api.API;

/**
 * The node's log lines, as every open console shows them (the talk's IEx session prints the
 * server's log under the call that caused it). Named in the node's Logback configuration.
 */
@API(status = INTERNAL, since = "0.2")
public final class ConsolesAppender<E> extends OutputStreamAppender<E> {
  @Override
  public void start() {
    setOutputStream(
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            NodeOutput.toConsoles(b, off, len);
          }
        });
    super.start();
  }
}
