package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
  private final List<String> lines = new ArrayList<>();
  private final AtomicLong now = new AtomicLong(1_000);
  private final RateLimitedLog log = new RateLimitedLog(lines::add, 100, now::get);

  @Test
  void theFirstIsLoggedThenOnePerIntervalWithTheCountLeftOut() {
    assertThat(log.warn("a")).isTrue();
    for (int i = 0; i < 1000; i++) {
      assertThat(log.warn("b")).isFalse();
    }
    now.addAndGet(99);
    assertThat(log.warn("c")).isFalse();
    now.addAndGet(1);
    assertThat(log.warn("d")).isTrue();
    now.addAndGet(100);
    assertThat(log.warn("e")).isTrue();
    assertThat(lines).containsExactly("a", "d (1001 more like it not logged)", "e");
  }

  @Test
  void aClockThatStartsNegativeOrWrapsStillLogs() {
    now.set(Long.MAX_VALUE - 50);
    assertThat(log.warn("a")).isTrue();
    now.addAndGet(60); // wraps
    assertThat(log.warn("b")).isFalse();
    now.addAndGet(40);
    assertThat(log.warn("c")).isTrue();
    assertThat(lines).containsExactly("a", "c (1 more like it not logged)");
  }
}
