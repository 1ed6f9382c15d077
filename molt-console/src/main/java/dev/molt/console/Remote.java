package dev.molt.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * {@code bin/<name> remote}: an interactive console attached to the running node over its control
 * channel (the same authentication as every other command). Line editing, history, multi-line input
 * (an unclosed bracket, brace or string continues on the next line) and tab completion by the node
 * come from JLine. Ctrl-C cancels the line being typed, or stops the evaluation in progress; Ctrl-D
 * leaves. Leaving never stops the node.
 */
final class Remote {
  private final ControlClient session;
  private final IoSupplier<ControlClient> connect;
  private final Terminal terminal;
  private final Path history;
  private String id;

  @FunctionalInterface
  interface IoSupplier<T> {
    T get() throws IOException;
  }

  /** {@code session}: the console's connection; {@code connect} opens another, for an interrupt. */
  Remote(
      ControlClient session, IoSupplier<ControlClient> connect, Terminal terminal, Path history) {
    this.connect = connect;
    this.session = session;
    this.terminal = terminal;
    this.history = history;
  }

  /**
   * The terminal of this process: the system's for a tty; for pipes, one that still reads Ctrl-C
   * (byte 3) as an interrupt.
   */
  // System.console() is still null on JDK 25 when the JVM runs with no console at all (the
  // ConsoleTest launches bin/kv remote that way), whatever Error Prone says of JDK 22+.
  @SuppressWarnings("SystemConsoleNull")
  static Terminal terminal() throws IOException {
    java.io.Console console = System.console();
    if (console != null && console.isTerminal()) {
      return TerminalBuilder.builder().system(true).name("molt").build();
    }
    // A line discipline of JLine's own, not a pty (which would turn Ctrl-C into a signal for no
    // process); no echo, since nobody types into a pipe.
    Terminal terminal =
        new org.jline.terminal.impl.ExternalTerminal(
            "molt",
            System.getProperty("molt.term", Terminal.TYPE_DUMB),
            System.in,
            System.out,
            java.nio.charset.StandardCharsets.UTF_8);
    terminal.echo(false);
    return terminal;
  }

  /** Runs the console until Ctrl-D; 0, or throws with the node's refusal. */
  int run() throws IOException {
    try (session;
        terminal) {
      Frames.Reply opened = session.call("console");
      if (!opened.ok()) {
        throw new IllegalStateException(opened.text());
      }
      String[] parts = opened.text().split("\n", 2);
      id = parts[0];
      PrintWriter out = terminal.writer();
      out.println(parts.length > 1 ? parts[1] : "");
      out.flush();
      if (history.getParent() != null) {
        Files.createDirectories(history.getParent());
      }
      LineReader reader =
          LineReaderBuilder.builder()
              .terminal(terminal)
              .appName("molt")
              .parser(new JavaLines())
              .completer(new NodeCompleter())
              .variable(LineReader.HISTORY_FILE, history)
              .variable(LineReader.SECONDARY_PROMPT_PATTERN, "...> ")
              .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
              .option(LineReader.Option.INSERT_TAB, false)
              .build();
      // Where Ctrl-C reaches the reader as a key (a dumb terminal's raw mode), it still cancels the
      // line.
      reader
          .getKeyMaps()
          .get(LineReader.MAIN)
          .bind(
              new org.jline.reader.Reference(LineReader.SEND_BREAK),
              org.jline.keymap.KeyMap.ctrl('C'));
      while (true) {
        String line;
        try {
          line = reader.readLine("molt> ");
        } catch (UserInterruptException e) {
          continue;
        } catch (EndOfFileException e) {
          break;
        }
        Frames.Reply reply =
            line.isBlank() ? session.call("console-poll") : evaluate(absolutePaths(line));
        String text = reply.text();
        if (!text.isEmpty()) {
          out.println(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
        }
        out.flush();
      }
      out.println("bye (the node keeps running)");
      out.flush();
    }
    return 0;
  }

  /** Sends a line; while it runs, Ctrl-C asks the node, on a second connection, to stop it. */
  private Frames.Reply evaluate(String line) throws IOException {
    Terminal.SignalHandler before = terminal.handle(Terminal.Signal.INT, signal -> interrupt());
    try {
      return session.call("console-line", line);
    } finally {
      terminal.handle(Terminal.Signal.INT, before);
    }
  }

  private void interrupt() {
    try (ControlClient side = connect.get()) {
      side.call("console-interrupt", id);
    } catch (IOException | RuntimeException e) {
      terminal.writer().println("could not interrupt: " + e.getMessage());
      terminal.writer().flush();
    }
  }

  /**
   * {@code c} takes files; the node resolves nothing against its own working directory, so make
   * them absolute here.
   */
  static String absolutePaths(String line) {
    String[] words = line.strip().split("\\s+", -1);
    if (words.length < 2 || !words[0].equals("c")) {
      return line;
    }
    List<String> out = new ArrayList<>(List.of("c"));
    for (int i = 1; i < words.length; i++) {
      out.add(
          words[i].endsWith(".java")
              ? Path.of(words[i]).toAbsolutePath().normalize().toString()
              : words[i]);
    }
    return String.join(" ", out);
  }

  /**
   * Lines of Java: an unclosed bracket, brace, parenthesis, string or comment continues on the next
   * line.
   */
  static final class JavaLines implements Parser {
    private final DefaultParser words = new DefaultParser();

    JavaLines() {
      words.setEscapeChars(null);
      words.setQuoteChars(new char[0]);
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
      if (context == ParseContext.ACCEPT_LINE && !complete(line)) {
        throw new EOFError(-1, -1, "incomplete", "more");
      }
      return words.parse(line, cursor, context);
    }

    /** Whether every bracket, string and comment opened in {@code text} is closed. */
    static boolean complete(String text) {
      int depth = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"' && text.startsWith("\"\"\"", i)) {
          int end = text.indexOf("\"\"\"", i + 3);
          if (end < 0) {
            return false;
          }
          i = end + 2;
        } else if (c == '"' || c == '\'') {
          int j = i + 1;
          while (j < text.length() && text.charAt(j) != c) {
            j += text.charAt(j) == '\\' ? 2 : 1;
          }
          if (j >= text.length()) {
            return false;
          }
          i = j;
        } else if (c == '/' && text.startsWith("//", i)) {
          int end = text.indexOf('\n', i);
          if (end < 0) {
            break;
          }
          i = end;
        } else if (c == '/' && text.startsWith("/*", i)) {
          int end = text.indexOf("*/", i + 2);
          if (end < 0) {
            return false;
          }
          i = end + 1;
        } else if (c == '(' || c == '[' || c == '{') {
          depth++;
        } else if (c == ')' || c == ']' || c == '}') {
          depth--;
        }
      }
      return depth <= 0;
    }
  }

  /** Completion by the node: helpers, module and process names, Java identifiers (JShell's). */
  private final class NodeCompleter implements Completer {
    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
      try {
        Frames.Reply reply =
            session.call("console-complete", line.line(), Integer.toString(line.cursor()));
        if (!reply.ok()) {
          return;
        }
        String[] parts = reply.text().lines().toArray(String[]::new);
        int anchor = Integer.parseInt(parts[0]);
        int wordStart = line.cursor() - line.wordCursor();
        String lead = anchor >= wordStart ? line.line().substring(wordStart, anchor) : "";
        for (int i = 1; i < parts.length; i++) {
          if (!parts[i].isEmpty()) {
            String value = lead + parts[i];
            candidates.add(
                new Candidate(
                    value,
                    value,
                    null,
                    null,
                    null,
                    null,
                    !value.endsWith("(") && !value.endsWith(".")));
          }
        }
      } catch (IOException | RuntimeException e) {
        // no completion then
      }
    }
  }
}
