package dev.molt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadTest {
  @Test
  void countsCallsFailuresAndWrongAnswers() {
    AtomicLong n = new AtomicLong();
    Load load =
        Load.start(
            3,
            () -> {
              long i = n.incrementAndGet();
              if (i % 10 == 0) {
                throw new IllegalStateException("call " + i + " failed");
              }
              return i % 10 == 5 ? "wrong" : "right";
            },
            "right"::equals);
    load.awaitCalls(1_000);
    Load.Report report = load.stop();
    assertThat(report.calls()).isGreaterThanOrEqualTo(1_000).isEqualTo(n.get());
    assertThat(report.failed()).isEqualTo(n.get() / 10);
    assertThat(report.wrong()).isEqualTo((n.get() + 5) / 10);
    assertThat(report.firstFailures()).hasSize(10);
    assertThat(report.p50Micros()).isLessThanOrEqualTo(report.p99Micros());
    assertThat(report.p99Micros()).isLessThanOrEqualTo(report.maxMicros());
    assertThatThrownBy(report::assertClean)
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(report.failed() + " failed and " + report.wrong() + " wrong of ")
        // which failures come first depends on the three clients' scheduling: any of them
        .hasMessageFindingMatch("java.lang.IllegalStateException: call \\d*0 failed")
        .hasMessageContaining("wrong answer: wrong");
    assertThat(load.stop()).as("stopping again").isSameAs(report);
  }

  @Test
  void aCleanLoadPassesAndALoadThatMadeNoCallDoesNot() {
    try (Load load = Load.start(() -> 42, 42)) {
      load.awaitCalls(100);
      assertThat(load.stop().assertClean().calls()).isGreaterThanOrEqualTo(100);
    }
    Load.Report none = new Load.Report(0, 0, 0, 0, 0, 0, java.util.List.of());
    assertThatThrownBy(none::assertClean).hasMessage("the load made no call");
    assertThatThrownBy(() -> Load.start(0, () -> 1, x -> true))
        .hasMessage("clients must be at least 1, not 0");
  }
}
