package dev.molt.internal.code;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One owner per invariant: which process runs which module version, and which version is pending,
 * change only in {@link ModuleTable}. A server loop that wrote them itself once let the index and
 * the process disagree; this keeps the writes where the lock and the rules are.
 */
class TableOwnershipTest {
  /** Writes of a version's process set, of the pending version, or of what a process runs. */
  private static final Pattern WRITES =
      Pattern.compile(
          "processes\\.(add|remove|clear|addAll|removeAll|removeIf)\\(|\\.pending\\s*=[^=]|\\.runs\\s*=[^=]");

  @Test
  void onlyTheModuleTableChangesWhoRunsWhatAndWhatIsPending() throws IOException {
    Path sources = Path.of("src/main/java");
    assertThat(sources).as("run from the module's directory, as Maven does").isDirectory();
    List<String> writers = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          if (WRITES.matcher(lines.get(i)).find()
              && !file.endsWith(Path.of("internal/code/ModuleTable.java"))) {
            writers.add(sources.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertThat(writers).as("writes outside ModuleTable").isEmpty();
  }
}
