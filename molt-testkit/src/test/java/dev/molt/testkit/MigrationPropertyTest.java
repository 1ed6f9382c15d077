package dev.molt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.molt.release.TestReleases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Random old states moved up and back ({@link CodeChange#roundTrip}) with states from {@link
 * StateArbitraries}: a change valid for every state passes; one valid for some states only (an enum
 * constant the new version drops) fails on a shrunk counterexample that holds the constant.
 */
class MigrationPropertyTest {
  private static String store(String pkg, String colors, String item) {
    return """
        package %s;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import java.util.*;
        public final class Store implements GenServer<Store.State> {
          public enum Color { %s }
          public record Item(%s) {}
          public record State(Map<String, Item> items, List<Color> colors, Optional<String> owner) {}
          public Init<State> init(Object arg) { return Init.ok(null); }
          public CallResult<State> handleCall(Object request, From from, State state) {
            return new Reply<>(state, state);
          }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
        }
        """
        .formatted(pkg, colors, item);
  }

  /** The change the nested properties run on, set by the test that runs them. */
  static CodeChange change;

  static String storeClass;

  private static Events run(String tag, String v2Colors) throws Exception {
    Path work = Files.createTempDirectory(Path.of("target"), "property-");
    TestReleases r = new TestReleases(work, tag);
    Path v1 =
        r.jar("1", store(r.pkg, "RED, GREEN, BLUE", "String name, int qty"), Map.of(), List.of());
    Path v2 =
        r.jar(
            "2",
            store(r.pkg, v2Colors, "String name, int qty, @Default(\"7\") long touched"),
            Map.of(),
            List.of());
    storeClass = r.pkg + ".Store";
    try (CodeChange opened = CodeChange.between(v1, v2)) {
      change = opened;
      return EngineTestKit.engine("jqwik")
          .selectors(selectClass(RoundTrip.class))
          // the samples as report entries, where the test reads them, not on stdout
          .configurationParameter("jqwik.reporting.usejunitplatform", "true")
          .execute()
          .allEvents();
    } finally {
      change = null;
    }
  }

  @Test
  void aChangeValidForEveryStatePassesForRandomStates() throws Exception {
    Events events = run("mp1", "RED, GREEN, BLUE");
    events.assertStatistics(stats -> stats.failed(0));
    assertThat(events.succeeded().stream().filter(e -> e.getTestDescriptor().isTest())).hasSize(1);
  }

  @Test
  void aChangeValidForSomeStatesFailsOnASmallCounterexampleThatHoldsIt() throws Exception {
    Events events = run("mp2", "RED, GREEN");
    assertThat(events.failed().stream().filter(e -> e.getTestDescriptor().isTest())).hasSize(1);
    Throwable failure =
        events.failed().stream()
            .filter(e -> e.getTestDescriptor().isTest())
            .findFirst()
            .orElseThrow()
            .getPayload(TestExecutionResult.class)
            .orElseThrow()
            .getThrowable()
            .orElseThrow();
    assertThat(failure.getMessage())
        .contains("state.colors[0]: enum constant Color.BLUE of codechange-")
        .contains("no longer exists in");
    String report =
        events.reportingEntryPublished().stream()
            .map(e -> e.getPayload(org.junit.platform.engine.reporting.ReportEntry.class))
            .map(entry -> entry.orElseThrow().getKeyValuePairs().toString())
            .reduce("", String::concat);
    // "Shrunk Sample", or "Sample" alone when the first failing sample was already the smallest
    assertThat(report).contains("Sample").contains("items={}, colors=[BLUE]");
  }

  /** Run by the tests above through the jqwik engine (a nested class Surefire skips). */
  static class RoundTrip {
    @Property(tries = 200)
    void whatTheNewVersionKeepsSurvivesTheRoundTrip(@ForAll("states") Object v1) {
      change.roundTrip(storeClass, v1);
    }

    @Provide
    Arbitrary<Object> states() {
      return change.v1States(storeClass + "$State");
    }
  }
}
