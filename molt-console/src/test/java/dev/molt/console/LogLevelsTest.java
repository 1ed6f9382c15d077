package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogLevelsTest {
  @Test
  void levelsPerPackageAreApplied() {
    assertThat(LoggerFactory.getLogger("test.levels.a.X").isDebugEnabled()).isFalse();
    LogLevels.apply(" test.levels.a=debug , test.levels.b=ERROR");
    assertThat(LoggerFactory.getLogger("test.levels.a.X").isDebugEnabled()).isTrue();
    assertThat(LoggerFactory.getLogger("test.levels.b.Y").isWarnEnabled()).isFalse();
    assertThat(LoggerFactory.getLogger("test.levels.b.Y").isErrorEnabled()).isTrue();
    LogLevels.apply(null);
    LogLevels.apply(" ");
  }

  @Test
  void aMalformedEntryIsRefusedWithItsText() {
    assertThatThrownBy(() -> LogLevels.apply("dev.molt"))
        .hasMessage("molt.log.levels: 'dev.molt' is not <logger>=<level>");
    assertThatThrownBy(() -> LogLevels.apply("dev.molt=LOUD"))
        .hasMessage("molt.log.levels: 'LOUD' is not a level (TRACE to ERROR, or OFF)");
    assertThatThrownBy(() -> LogLevels.apply("=INFO"))
        .hasMessage("molt.log.levels: '=INFO' is not <logger>=<level>");
  }
}
