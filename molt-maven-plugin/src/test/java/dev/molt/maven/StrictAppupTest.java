package dev.molt.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release goal with a generated appup: what a person must finish is written at the top of the
 * appup and, with {@code strictAppup}, fails the build, naming it; a build with nothing to finish
 * passes either way.
 */
class StrictAppupTest {
  @TempDir Path work;

  private static String server(String state) {
    return """
        package strict.app;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        public final class Server implements GenServer<Server.State> {
          %s
          public Init<State> init(Object arg) { return Init.ok(null); }
          public CallResult<State> handleCall(Object request, From from, State state) { return new Reply<>("ok", state); }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
        }
        """
        .formatted(state);
  }

  private ReleaseMojo mojo(String version, String state, boolean strict) throws IOException {
    ReleaseMojo mojo =
        TestMojos.mojo(work, "strict", version, "strict.app", server(state), java.util.Set.of());
    mojo.strictAppup = strict;
    return mojo;
  }

  @Test
  void aNoteFailsTheBuildInStrictModeAndIsWrittenAtTheTopOtherwise() throws Exception {
    mojo("1.0.0", "public record State(int n) {}", false).execute();
    String gained = "public record State(int n, long calls) {}";

    ReleaseMojo strict = mojo("1.1.0", gained, true);
    strict.upgradeFrom = List.of("1.0.0");
    assertThatThrownBy(strict::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("a person must finish 1 thing(s)")
        .hasMessageContaining("gains component calls with no @Default")
        .hasMessageContaining("strictAppup is on");
    assertThat(work.resolve("target/strict-1.1.0.tar.gz")).doesNotExist();

    ReleaseMojo lenient = mojo("1.1.0", gained, false);
    lenient.upgradeFrom = List.of("1.0.0");
    lenient.execute();
    assertThat(work.resolve("target/strict-1.1.0/lib/app-1.1.0/app.appup"))
        .content()
        .contains(
            "# TO FINISH: from 1.0.0: module app: Server.state: record strict.app.Server$State gains component calls");
  }

  @Test
  void aChangeWithNothingToFinishPassesInStrictMode() throws Exception {
    mojo("1.0.0", "public record State(int n) {}", false).execute();
    ReleaseMojo strict =
        mojo("1.1.0", "public record State(int n, @Default(\"0\") long calls) {}", true);
    strict.upgradeFrom = List.of("1.0.0");
    strict.execute();
    assertThat(work.resolve("target/strict-1.1.0/lib/app-1.1.0/app.appup"))
        .content()
        .doesNotContain("TO FINISH")
        .contains("update app");
  }
}
