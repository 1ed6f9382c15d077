package dev.molt.release;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The syntax shared by the release descriptor, appups and relups (docs/release-formats.md): one
 * statement per line, a keyword, then arguments, {@code key=value} options and optionally a {@code
 * { ... }} block of statements. {@code #} starts a comment; {@code ;} also ends a statement.
 *
 * <pre>
 * statement := WORD argument* block? (NEWLINE | ';' | EOF | before '}')
 * argument  := atom | WORD '=' value
 * value     := atom | '[' (atom (',' atom)*)? ']'
 * block     := '{' statement* '}'
 * atom      := WORD | STRING
 * </pre>
 *
 * A word is a run of anything but blanks and {@code { } [ ] = , ; " #}; a string is double-quoted,
 * with {@code \" \\ \n \t} escapes. Input is bounded (size, nesting, length of a line) so that a
 * hostile file fails with a {@link FormatException} rather than exhausting the node.
 */
final class Syntax {
  static final int MAX_CHARS = 1 << 20;
  static final int MAX_DEPTH = 16;

  /** A word or string as written, with where it starts. */
  record Atom(String text, boolean quoted, int line, int column) {
    @Override
    public String toString() {
      return text;
    }
  }

  /** A statement: its keyword, plain arguments, options (in order) and block (empty if none). */
  record Statement(
      Atom keyword,
      List<Atom> args,
      Map<String, Option> options,
      List<Statement> block,
      boolean hasBlock) {
    String name() {
      return keyword.text();
    }
  }

  /** An option's value: one atom, or a bracketed list. */
  record Option(Atom key, List<Atom> values, boolean list) {}

  private enum Kind {
    WORD,
    STRING,
    LBRACE,
    RBRACE,
    LBRACKET,
    RBRACKET,
    EQUALS,
    COMMA,
    END,
    EOF
  }

  private record Token(Kind kind, String text, int line, int column) {}

  private final String file;
  private final String text;
  private final List<Token> tokens = new ArrayList<>();
  private int next;

  private Syntax(String file, String text) {
    this.file = file;
    this.text = text;
  }

  /** Parses {@code text}, named {@code file} in errors. */
  static List<Statement> parse(String file, String text) {
    if (text.length() > MAX_CHARS) {
      throw new FormatException(
          file, 1, 1, "file is larger than " + MAX_CHARS + " characters", null);
    }
    Syntax syntax = new Syntax(file, text);
    syntax.lex();
    List<Statement> statements = syntax.statements(0);
    Token end = syntax.peek();
    if (end.kind != Kind.EOF) {
      throw syntax.error(end, "unexpected '" + end.text + "'");
    }
    return statements;
  }

  // ---- lexer ---------------------------------------------------------------------------------

  private void lex() {
    int line = 1;
    int lineStart = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int column = i - lineStart + 1;
      switch (c) {
        case '\n' -> {
          tokens.add(new Token(Kind.END, "end of line", line, column));
          line++;
          lineStart = i + 1;
          i++;
        }
        case ' ', '\t', '\r', '\f' -> i++;
        case '#' -> {
          while (i < text.length() && text.charAt(i) != '\n') {
            i++;
          }
        }
        case ';' -> {
          tokens.add(new Token(Kind.END, ";", line, column));
          i++;
        }
        case '{' -> i = single(Kind.LBRACE, "{", line, column, i);
        case '}' -> i = single(Kind.RBRACE, "}", line, column, i);
        case '[' -> i = single(Kind.LBRACKET, "[", line, column, i);
        case ']' -> i = single(Kind.RBRACKET, "]", line, column, i);
        case '=' -> i = single(Kind.EQUALS, "=", line, column, i);
        case ',' -> i = single(Kind.COMMA, ",", line, column, i);
        case '"' -> i = string(i, line, column);
        default -> {
          if (Character.isISOControl(c) || (Character.isSurrogate(c) && !validSurrogate(i))) {
            throw error(
                line, column, String.format("character U+%04X is not allowed here", (int) c));
          }
          if (Character.isWhitespace(c)) {
            i++;
            continue;
          }
          int start = i;
          while (i < text.length() && isWordChar(text.charAt(i))) {
            i++;
          }
          tokens.add(new Token(Kind.WORD, text.substring(start, i), line, column));
        }
      }
    }
    tokens.add(new Token(Kind.EOF, "end of file", line, text.length() - lineStart + 1));
  }

  private boolean validSurrogate(int i) {
    char c = text.charAt(i);
    return (Character.isHighSurrogate(c)
            && i + 1 < text.length()
            && Character.isLowSurrogate(text.charAt(i + 1)))
        || (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
  }

  private boolean isWordChar(char c) {
    return !(Character.isWhitespace(c)
        || Character.isISOControl(c)
        || "{}[]=,;\"#".indexOf(c) >= 0);
  }

  private int single(Kind kind, String what, int line, int column, int i) {
    tokens.add(new Token(kind, what, line, column));
    return i + 1;
  }

  private int string(int start, int line, int column) {
    StringBuilder value = new StringBuilder();
    int i = start + 1;
    while (true) {
      if (i >= text.length() || text.charAt(i) == '\n') {
        throw error(line, column, "string is not closed on its line (a \" is missing)");
      }
      char c = text.charAt(i);
      if (c == '"') {
        tokens.add(new Token(Kind.STRING, value.toString(), line, column));
        return i + 1;
      }
      if (c == '\\') {
        if (i + 1 >= text.length()) {
          throw error(line, column, "string ends with a lone \\");
        }
        char escaped = text.charAt(i + 1);
        switch (escaped) {
          case '"' -> value.append('"');
          case '\\' -> value.append('\\');
          case 'n' -> value.append('\n');
          case 't' -> value.append('\t');
          default ->
              throw error(
                  line,
                  i - (text.lastIndexOf('\n', i - 1) + 1) + 1,
                  "unknown escape \\"
                      + (Character.isISOControl(escaped) ? "?" : escaped)
                      + " (use \\\" \\\\ \\n or \\t)");
        }
        i += 2;
        continue;
      }
      if (Character.isISOControl(c) && c != '\t') {
        throw error(
            line,
            i - (text.lastIndexOf('\n', i - 1) + 1) + 1,
            String.format("character U+%04X is not allowed in a string", (int) c));
      }
      value.append(c);
      i++;
    }
  }

  // ---- parser --------------------------------------------------------------------------------

  private List<Statement> statements(int depth) {
    List<Statement> statements = new ArrayList<>();
    while (true) {
      Token token = peek();
      switch (token.kind) {
        case END -> next++;
        case EOF, RBRACE -> {
          return statements;
        }
        case WORD -> statements.add(statement(depth));
        default ->
            throw error(token, "a statement starts with a keyword, not '" + token.text + "'");
      }
    }
  }

  private Statement statement(int depth) {
    Atom keyword = atom(take());
    List<Atom> args = new ArrayList<>();
    Map<String, Option> options = new LinkedHashMap<>();
    List<Statement> block = List.of();
    boolean hasBlock = false;
    while (true) {
      Token token = peek();
      switch (token.kind) {
        case WORD, STRING -> {
          Token atom = take();
          if (peek().kind == Kind.EQUALS) {
            if (atom.kind != Kind.WORD) {
              throw error(atom, "an option's name is a word, not a string");
            }
            next++;
            Option option = value(atom(atom));
            if (options.putIfAbsent(atom.text, option) != null) {
              throw error(atom, "option '" + atom.text + "' is given twice");
            }
          } else if (!options.isEmpty()) {
            throw error(atom, "plain arguments come before the key=value options");
          } else {
            args.add(atom(atom));
          }
        }
        case LBRACE -> {
          if (depth + 1 >= MAX_DEPTH) {
            throw error(token, "blocks nest deeper than " + MAX_DEPTH);
          }
          next++;
          block = statements(depth + 1);
          Token close = peek();
          if (close.kind != Kind.RBRACE) {
            throw error(
                close,
                "block opened at "
                    + token.line
                    + ":"
                    + token.column
                    + " is not closed (a } is missing)");
          }
          next++;
          hasBlock = true;
          Token after = peek();
          if (after.kind != Kind.END && after.kind != Kind.EOF && after.kind != Kind.RBRACE) {
            throw error(
                after, "a statement ends after its block; put '" + after.text + "' on a new line");
          }
          return new Statement(keyword, List.copyOf(args), options, block, hasBlock);
        }
        case END, EOF, RBRACE -> {
          return new Statement(keyword, List.copyOf(args), options, block, hasBlock);
        }
        case EQUALS -> throw error(token, "'=' needs an option name before it");
        default -> throw error(token, "unexpected '" + token.text + "'");
      }
    }
  }

  private Option value(Atom key) {
    Token token = take();
    switch (token.kind) {
      case WORD, STRING -> {
        return new Option(key, List.of(atom(token)), false);
      }
      case LBRACKET -> {
        List<Atom> values = new ArrayList<>();
        if (peek().kind == Kind.RBRACKET) {
          next++;
          return new Option(key, List.of(), true);
        }
        while (true) {
          Token value = take();
          if (value.kind != Kind.WORD && value.kind != Kind.STRING) {
            throw error(
                value,
                "expected a value in the list of '" + key.text() + "', found '" + value.text + "'");
          }
          values.add(atom(value));
          Token separator = take();
          if (separator.kind == Kind.RBRACKET) {
            return new Option(key, List.copyOf(values), true);
          }
          if (separator.kind != Kind.COMMA) {
            throw error(
                separator,
                "expected ',' or ']' in the list of '"
                    + key.text()
                    + "', found '"
                    + separator.text
                    + "'");
          }
        }
      }
      default -> throw error(token, "option '" + key.text() + "' has no value after '='");
    }
  }

  private Atom atom(Token token) {
    return new Atom(token.text, token.kind == Kind.STRING, token.line, token.column);
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token take() {
    Token token = tokens.get(next);
    if (token.kind != Kind.EOF) {
      next++;
    }
    return token;
  }

  private FormatException error(Token token, String reason) {
    return error(token.line, token.column, reason);
  }

  private FormatException error(int line, int column, String reason) {
    return new FormatException(file, line, column, reason, sourceLine(text, line));
  }

  static String sourceLine(String text, int line) {
    int start = 0;
    for (int l = 1; l < line; l++) {
      start = text.indexOf('\n', start);
      if (start < 0) {
        return null;
      }
      start++;
    }
    int end = text.indexOf('\n', start);
    return text.substring(start, end < 0 ? text.length() : end);
  }
}
