package dev.molt.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's standard output and error, shared with its consoles. What a console's evaluation
 * prints (in its thread, or in a thread it started, while it runs) goes to that console only;
 * everything else the node prints — its log lines — goes where it went before and to every open
 * console as well.
 */
final class NodeOutput {
  private static final InheritableThreadLocal<Capture> CAPTURE = new InheritableThreadLocal<>();
  private static final Set<Buffer> LISTENERS = ConcurrentHashMap.newKeySet();
  private static boolean installed;

  private NodeOutput() {}

  /** Routes {@code System.out} and {@code System.err} through here; once per node. */
  static synchronized void install() {
    if (!installed) {
      System.setOut(new PrintStream(new Router(System.out), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(new Router(System.err), true, StandardCharsets.UTF_8));
      installed = true;
    }
  }

  /**
   * Lines for one console, bounded: past {@link #LIMIT} bytes the oldest are dropped and counted.
   */
  static final class Buffer {
    static final int LIMIT = 1 << 20;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long dropped;

    synchronized void write(byte[] b, int off, int len) {
      if (bytes.size() + len > LIMIT) {
        dropped += bytes.size();
        bytes.reset();
        if (len > LIMIT) {
          dropped += len - LIMIT;
          off += len - LIMIT;
          len = LIMIT;
        }
      }
      bytes.write(b, off, len);
    }

    /** What came since the last drain. */
    synchronized String drain() {
      String text = bytes.toString(StandardCharsets.UTF_8);
      bytes.reset();
      if (dropped > 0) {
        text = "[" + dropped + " bytes of output dropped]\n" + text;
        dropped = 0;
      }
      return text;
    }
  }

  /** Sends the node's own output to {@code buffer} as well, until {@link #stopListening}. */
  static void listen(Buffer buffer) {
    LISTENERS.add(buffer);
  }

  static void stopListening(Buffer buffer) {
    LISTENERS.remove(buffer);
  }

  /**
   * A log line for the consoles: to the console whose evaluation caused it (in its thread, or one
   * it started), else to every open console. The log file has it already.
   */
  static void toConsoles(byte[] b, int off, int len) {
    Capture capture = CAPTURE.get();
    if (capture != null && capture.active) {
      capture.into.write(b, off, len);
      return;
    }
    for (Buffer listener : LISTENERS) {
      listener.write(b, off, len);
    }
  }

  /** Runs {@code work} with what it prints going to {@code into} only. */
  static <T> T capture(Buffer into, Callable<T> work) throws Exception {
    Capture capture = new Capture(into);
    Capture before = CAPTURE.get();
    CAPTURE.set(capture);
    try {
      return work.call();
    } finally {
      capture.active = false;
      CAPTURE.set(before);
    }
  }

  /**
   * A console's evaluation in progress; threads it started inherit it, and print to the node once
   * it ended.
   */
  private static final class Capture {
    final Buffer into;
    volatile boolean active = true;

    Capture(Buffer into) {
      this.into = into;
    }
  }

  private static final class Router extends OutputStream {
    private final PrintStream original;

    Router(PrintStream original) {
      this.original = original;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      Capture capture = CAPTURE.get();
      if (capture != null && capture.active) {
        capture.into.write(b, off, len);
        return;
      }
      original.write(b, off, len);
      for (Buffer listener : LISTENERS) {
        listener.write(b, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      original.flush();
    }
  }
}
