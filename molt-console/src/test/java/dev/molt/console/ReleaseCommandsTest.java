package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.release.ReleaseHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release commands as the node and the offline command line run them: arguments read strictly.
 */
class ReleaseCommandsTest {
  @TempDir Path root;

  private ReleaseCommands commands() throws Exception {
    return new ReleaseCommands(ReleaseHandler.open(root));
  }

  @Test
  void malformedArgumentsAreRefusedWithWhatWasExpected() throws Exception {
    ReleaseCommands commands = commands();
    assertThatThrownBy(() -> commands.run("upgrade", List.of("1.1.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("upgrade takes 'tarball PATH' or 'version VSN'");
    assertThatThrownBy(() -> commands.run("upgrade", List.of("file", "/tmp/x.tar.gz")))
        .hasMessage("upgrade takes 'tarball PATH' or 'version VSN'");
    assertThatThrownBy(() -> commands.run("upgrade", List.of("tarball", "relative.tar.gz")))
        .hasMessage("a tarball is given to the node by its absolute path, not relative.tar.gz");
    assertThatThrownBy(() -> commands.run("unpack", List.of("kv.tar.gz")))
        .hasMessage("a tarball is given to the node by its absolute path, not kv.tar.gz");
    assertThatThrownBy(() -> commands.run("install", List.of()))
        .hasMessage("install takes one argument, got 0");
    assertThatThrownBy(() -> commands.run("remove", List.of("1.0.0", "1.1.0")))
        .hasMessage("remove takes one argument, got 2");
    assertThatThrownBy(() -> commands.run("releases", List.of("all")))
        .hasMessage("releases takes no arguments, got 1");
    assertThatThrownBy(() -> commands.run("reboot", List.of()))
        .hasMessage("unknown command 'reboot'");
  }

  @Test
  void aRootWithoutReleasesSaysSoAndUnpacksNothingThatIsNotThere() throws Exception {
    ReleaseCommands commands = commands();
    assertThat(commands.run("releases", List.of())).isEmpty();
    assertThat(commands.running()).isEmpty();
    Path missing = root.resolve("missing.tar.gz").toAbsolutePath();
    assertThatThrownBy(() -> commands.run("unpack", List.of(missing.toString())))
        .hasMessageContaining("missing.tar.gz");
    assertThatThrownBy(() -> commands.run("install", List.of("1.0.0")))
        .hasMessage("no release 1.0.0 on this node (known: [])");
    try (var files = Files.list(root)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("releases");
    }
  }
}
