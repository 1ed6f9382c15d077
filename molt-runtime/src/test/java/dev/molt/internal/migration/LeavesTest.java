package dev.molt.internal.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeavesTest {
  /** Declared types of the components below. */
  record Index(Map<String, Object> byName, List<Long> ids, Map<Object, String> byKey) {}

  @Test
  void aDeclaredTypeProvesWhatNeedsNoScan() {
    assertThat(Leaves.of(Index.class.getRecordComponents()[0].getGenericType()))
        .as("Map<String, Object>: values only")
        .isEqualTo(Leaves.MAP_KEYS);
    assertThat(Leaves.of(Index.class.getRecordComponents()[1].getGenericType()))
        .as("List<Long>: nothing")
        .isEqualTo(Leaves.ALL);
    assertThat(Leaves.of(Index.class.getRecordComponents()[2].getGenericType()))
        .as("Map<Object, String>: everything")
        .isEqualTo(Leaves.NONE);
  }
}
