package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config values given as bare text keep their types; the environment overrides them. */
class ConfigValuesTest {
  @Test
  void bareTextIsTypedAsTheFormatsTypeABareValue() {
    assertThat(ReleaseDescriptor.configValue("8080")).isEqualTo(8080L);
    assertThat(ReleaseDescriptor.configValue("-3")).isEqualTo(-3L);
    assertThat(ReleaseDescriptor.configValue("true")).isEqualTo(true);
    assertThat(ReleaseDescriptor.configValue("false")).isEqualTo(false);
    assertThat(ReleaseDescriptor.configValue("\"8080\"")).isEqualTo("8080");
    assertThat(ReleaseDescriptor.configValue("8080.5")).isEqualTo("8080.5");
    assertThat(ReleaseDescriptor.configValue("1234567890123456789"))
        .as("past a long's 18 safe digits: text")
        .isEqualTo("1234567890123456789");
    assertThat(ReleaseDescriptor.configValue("hello")).isEqualTo("hello");
    assertThat(ReleaseDescriptor.configValue("")).isEqualTo("");
  }

  @Test
  void theEnvironmentOverridesAKeyTyped() throws Exception {
    ReleaseDescriptor.Application app =
        new ReleaseDescriptor.Application(
            "my-app",
            "1.0.0",
            "x.App",
            List.of(),
            List.of(),
            Map.of("port", 4040L, "greeting", "hello", "verbose", false));
    ReleaseConfig config = ReleaseConfig.parse("test.config", "config my-app greeting=\"hi\"\n");
    Map<String, Object> effective =
        config.effective(
            app,
            Map.of(
                "MOLT_CONFIG_MY_APP_PORT", "9090",
                "MOLT_CONFIG_MY_APP_VERBOSE", "true",
                "MOLT_CONFIG_MY_APP_UNKNOWN", "ignored",
                "MOLT_CONFIG_OTHER_PORT", "1"));
    assertThat(effective)
        .containsEntry("port", 9090L)
        .containsEntry("verbose", true)
        .containsEntry("greeting", "hi")
        .doesNotContainKey("unknown");
  }
}
