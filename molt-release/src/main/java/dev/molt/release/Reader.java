package dev.molt.release;

import dev.molt.release.Syntax.Atom;
import dev.molt.release.Syntax.Option;
import dev.molt.release.Syntax.Statement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the statements of one file into a format's model: checks arguments, options, names,
 * versions and durations, and reports what is wrong at its {@code file:line:column}.
 */
final class Reader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,127}");
  private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}");
  private static final Pattern CLASS =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

  final String file;
  final String text;

  Reader(String file, String text) {
    this.file = file;
    this.text = text;
  }

  /** A reader of the file at {@code path}, named by its path in errors. */
  static Reader of(Path path) throws IOException {
    return new Reader(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
  }

  List<Statement> parse() {
    return Syntax.parse(file, text);
  }

  /**
   * The head the descriptor, appup and relup share: {@code <keyword> <name> <version> { ... }},
   * without options.
   */
  record Head(Statement root, String name, String version) {}

  /**
   * Parses the file down to its {@link Head}; {@code nameKind} names the name in errors (release,
   * application).
   */
  Head head(String keyword, String nameKind, String usage) {
    Statement root = root(parse(), keyword, usage);
    List<Atom> head = args(root, 2, usage);
    options(root, Set.of());
    return new Head(root, name(head.get(0), nameKind), version(head.get(1)));
  }

  /**
   * The element of {@code list} (the up or down sections of an appup or relup) for {@code version}.
   */
  static <T> Optional<T> forVersion(List<T> list, Function<T, String> versionOf, String version) {
    return list.stream().filter(t -> versionOf.apply(t).equals(version)).findFirst();
  }

  FormatException error(Atom at, String reason) {
    return new FormatException(
        file, at.line(), at.column(), reason, Syntax.sourceLine(text, at.line()));
  }

  FormatException error(Statement at, String reason) {
    return error(at.keyword(), reason);
  }

  /**
   * The one top-level statement {@code keyword} of a file, with {@code args} arguments and a block.
   */
  Statement root(List<Statement> statements, String keyword, String usage) {
    if (statements.isEmpty()) {
      throw new FormatException(
          file, 1, 1, "file is empty; expected " + usage, Syntax.sourceLine(text, 1));
    }
    Statement root = statements.getFirst();
    if (!root.name().equals(keyword)) {
      throw error(root, "expected " + usage + ", found '" + root.name() + "'");
    }
    if (statements.size() > 1) {
      throw error(
          statements.get(1),
          "only one '" + keyword + "' per file; this is a second top-level statement");
    }
    if (!root.hasBlock()) {
      throw error(root, "'" + keyword + "' needs a { ... } block: " + usage);
    }
    return root;
  }

  /** Checks that {@code statement} has exactly {@code count} plain arguments. */
  List<Atom> args(Statement statement, int count, String usage) {
    if (statement.args().size() != count) {
      Atom at = statement.args().size() > count ? statement.args().get(count) : statement.keyword();
      throw error(
          at,
          "'"
              + statement.name()
              + "' takes "
              + count
              + (count == 1 ? " argument" : " arguments")
              + ", found "
              + statement.args().size()
              + ": "
              + usage);
    }
    return statement.args();
  }

  /** Checks that {@code statement} has at least one plain argument. */
  List<Atom> someArgs(Statement statement, String usage) {
    if (statement.args().isEmpty()) {
      throw error(statement, "'" + statement.name() + "' needs at least one argument: " + usage);
    }
    return statement.args();
  }

  /** Refuses a block on any statement but {@code allowed}. */
  void noBlockUnless(Statement statement, String allowed) {
    if (!statement.name().equals(allowed)) {
      noBlock(statement);
    }
  }

  void noBlock(Statement statement) {
    if (statement.hasBlock()) {
      throw error(statement, "'" + statement.name() + "' takes no { ... } block");
    }
  }

  /** Refuses options other than {@code allowed}. */
  void options(Statement statement, Set<String> allowed) {
    for (Option option : statement.options().values()) {
      if (!allowed.contains(option.key().text())) {
        throw error(
            option.key(),
            "'"
                + statement.name()
                + "' has no option '"
                + option.key().text()
                + "'"
                + (allowed.isEmpty()
                    ? ""
                    : "; it takes " + String.join(", ", allowed.stream().sorted().toList())));
      }
    }
  }

  String single(Option option) {
    if (option.list()) {
      throw error(option.key(), "option '" + option.key().text() + "' takes one value, not a list");
    }
    return option.values().getFirst().text();
  }

  List<String> list(Statement statement, String key) {
    Option option = statement.options().get(key);
    if (option == null) {
      return List.of();
    }
    return option.values().stream().map(Atom::text).toList();
  }

  String name(Atom atom, String what) {
    if (!NAME.matcher(atom.text()).matches()) {
      throw error(
          atom,
          what
              + " '"
              + printable(atom.text())
              + "' is not a valid name (a letter, then letters, digits, '_', '.' or '-')");
    }
    return atom.text();
  }

  List<String> names(Statement statement, String key, String what) {
    Option option = statement.options().get(key);
    if (option == null) {
      return List.of();
    }
    Set<String> seen = new HashSet<>();
    for (Atom atom : option.values()) {
      name(atom, what);
      if (!seen.add(atom.text())) {
        throw error(atom, what + " '" + atom.text() + "' is listed twice");
      }
    }
    return option.values().stream().map(Atom::text).toList();
  }

  String version(Atom atom) {
    if (!VERSION.matcher(atom.text()).matches()) {
      throw error(
          atom,
          "'"
              + printable(atom.text())
              + "' is not a valid version (letters, digits, '.', '+', '_' or '-')");
    }
    return atom.text();
  }

  String className(Atom atom) {
    if (!CLASS.matcher(atom.text()).matches() || atom.text().length() > 512) {
      throw error(atom, "'" + printable(atom.text()) + "' is not a class name");
    }
    return atom.text();
  }

  /** {@code 500ms}, {@code 5s}, {@code 2m} or {@code infinity}. */
  Duration duration(Statement statement, String key, Duration otherwise) {
    Option option = statement.options().get(key);
    if (option == null) {
      return otherwise;
    }
    String value = single(option);
    if (value.equals("infinity")) {
      return null;
    }
    var matcher = DURATION.matcher(value);
    if (!matcher.matches()) {
      throw error(
          option.values().getFirst(),
          "'" + printable(value) + "' is not a duration (like 500ms, 5s, 2m or infinity)");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
  }

  <E extends Enum<E>> E choice(Statement statement, String key, Class<E> type, E otherwise) {
    Option option = statement.options().get(key);
    if (option == null) {
      return otherwise;
    }
    String value = single(option);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    throw error(
        option.values().getFirst(),
        "option '"
            + key
            + "' is one of "
            + String.join(
                ", ",
                java.util.Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT))
                    .toList())
            + ", not '"
            + printable(value)
            + "'");
  }

  /** Refuses a second statement of a kind that may appear once. */
  void once(Map<String, Statement> seen, Statement statement) {
    Statement before = seen.putIfAbsent(statement.name(), statement);
    if (before != null) {
      throw error(
          statement,
          "'"
              + statement.name()
              + "' is given twice (first at line "
              + before.keyword().line()
              + ")");
    }
  }

  /**
   * An {@code up <version> { ... }} or {@code down <version> { ... }} section of an appup or relup.
   */
  record Section<T>(boolean up, String version, List<T> instructions, Statement at) {}

  /**
   * The up and down sections of {@code root} (an appup or relup of {@code ownVersion}), each
   * instruction read by {@code instruction}. {@code what} names the file kind in errors.
   */
  <T> List<Section<T>> sections(
      Statement root, String ownVersion, String what, Function<Statement, T> instruction) {
    List<Section<T>> sections = new java.util.ArrayList<>();
    Map<String, Atom> seen = new java.util.HashMap<>();
    for (Statement statement : root.block()) {
      boolean isUp = statement.name().equals("up");
      if (!isUp && !statement.name().equals("down")) {
        throw error(
            statement,
            "unknown statement '"
                + printable(statement.name())
                + "' in "
                + what
                + "; expected up or down");
      }
      Atom at =
          args(statement, 1, isUp ? "up <from version> { ... }" : "down <to version> { ... }")
              .getFirst();
      options(statement, Set.of());
      String other = version(at);
      if (other.equals(ownVersion)) {
        throw error(
            at,
            what
                + " of "
                + ownVersion
                + " cannot move "
                + (isUp ? "from" : "to")
                + " "
                + ownVersion
                + " itself");
      }
      Atom before = seen.putIfAbsent(statement.name() + " " + other, at);
      if (before != null) {
        throw error(
            at,
            "'"
                + statement.name()
                + " "
                + other
                + "' is given twice (first at line "
                + before.line()
                + ")");
      }
      if (!statement.hasBlock()) {
        throw error(
            statement,
            "'"
                + statement.name()
                + " "
                + other
                + "' needs a { ... } block of instructions (it may be empty)");
      }
      List<T> instructions = new java.util.ArrayList<>();
      for (Statement inner : statement.block()) {
        instructions.add(instruction.apply(inner));
      }
      sections.add(new Section<>(isUp, other, instructions, statement));
    }
    return sections;
  }

  static String printable(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    StringBuilder out = new StringBuilder();
    shown
        .codePoints()
        .forEach(
            c -> {
              if (TextCheck.isBidiControl(c)) {
                out.append(String.format("<U+%04X>", c)); // shown, not obeyed
              } else if (Character.getType(c) == Character.CONTROL) {
                out.append('?');
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
