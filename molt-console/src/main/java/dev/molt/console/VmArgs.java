package dev.molt.console;

import dev.molt.release.ReleaseHandler;
import dev.molt.release.ReleaseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code releases/<vsn>/vm.args}: the JVM options of the release a node boots, as Erlang's {@code
 * vm.args}. One or more options per line, separated by spaces; {@code #} starts a comment. {@code
 * MOLT_JVM_OPTIONS} comes after them, so it wins where both set the same thing. Options that would
 * replace what the launcher runs are refused.
 */
final class VmArgs {
  private static final Set<String> REFUSED =
      Set.of("-jar", "-cp", "-classpath", "--class-path", "-m", "--module", "--source");

  private VmArgs() {}

  /** The options of the release {@code root} boots; none if it has no vm.args. */
  static List<String> of(Path root) throws IOException {
    String version = bootVersion(root);
    if (version == null) {
      return List.of();
    }
    Path file = root.resolve("releases").resolve(version).resolve("vm.args");
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static List<String> parse(Path file, List<String> lines) {
    List<String> options = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int comment = line.indexOf('#');
      String text = (comment < 0 ? line : line.substring(0, comment)).strip();
      if (text.isEmpty()) {
        continue;
      }
      for (String option : text.split("\\s+")) {
        if (!option.startsWith("-") || REFUSED.contains(option)) {
          throw new IllegalArgumentException(
              file
                  + ":"
                  + (i + 1)
                  + ": '"
                  + option
                  + "' is not a JVM option a release may set (options start with '-'; the class"
                  + " path and the main class are the launcher's)");
        }
        options.add(option);
      }
    }
    return options;
  }

  /** The permanent release, else the only one there is; null if neither. */
  private static String bootVersion(Path root) throws IOException {
    if (!Files.isDirectory(root.resolve("releases"))) {
      return null;
    }
    ReleaseHandler handler = ReleaseHandler.open(root);
    if (handler.permanent().isPresent()) {
      return handler.permanent().get();
    }
    List<ReleaseStatus> all = handler.whichReleases();
    if (all.size() == 1) {
      return all.getFirst().version();
    }
    List<String> dirs = new ArrayList<>();
    try (var stream = Files.newDirectoryStream(root.resolve("releases"), Files::isDirectory)) {
      stream.forEach(d -> dirs.add(d.getFileName().toString()));
    }
    return all.isEmpty() && dirs.size() == 1 ? dirs.getFirst() : null;
  }
}
