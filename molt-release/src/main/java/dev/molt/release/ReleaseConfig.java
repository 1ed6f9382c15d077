package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.release.Syntax.Statement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A release's configuration, {@code releases/<vsn>/<name>.config}: for each application, values
 * that override the defaults of its descriptor. The Maven plugin writes it with the defaults, for
 * an operator to edit; the node reads it when it boots the release and when it installs it.
 *
 * <pre>
 * # kv 1.1.0
 * config kv greeting="hello" port=4040
 * </pre>
 *
 * Values read as in the descriptor: quoted is a string; bare {@code true}/{@code false} a boolean,
 * a bare integer a long, anything else a string; {@code [a, b]} a list.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ReleaseConfig(Map<String, Map<String, Object>> applications) {
  public ReleaseConfig {
    Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
    applications.forEach(
        (app, values) ->
            copy.put(app, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values))));
    applications = java.util.Collections.unmodifiableMap(copy);
  }

  /** Parses a config file; any problem is a {@link FormatException} at its line and column. */
  public static ReleaseConfig parse(String file, String text) {
    return parse(new Reader(file, text));
  }

  private static ReleaseConfig parse(Reader reader) {
    Map<String, Map<String, Object>> applications = new LinkedHashMap<>();
    for (Statement statement : reader.parse()) {
      reader.noBlock(statement);
      if (!statement.name().equals("config")) {
        throw reader.error(
            statement,
            "unknown statement '"
                + Reader.printable(statement.name())
                + "' in a release config; expected config <application> key=value...");
      }
      String application =
          reader.name(
              reader.args(statement, 1, "config <application> key=value...").getFirst(),
              "application");
      ReleaseDescriptor.readConfig(
          reader, statement, applications.computeIfAbsent(application, a -> new LinkedHashMap<>()));
    }
    return new ReleaseConfig(applications);
  }

  /** The config of {@code file}, or none if there is no such file. */
  public static ReleaseConfig read(Path file) throws IOException {
    return Files.exists(file) ? parse(Reader.of(file)) : new ReleaseConfig(Map.of());
  }

  /** The defaults of each application of {@code descriptor}, as a config to edit. */
  public static ReleaseConfig defaults(ReleaseDescriptor descriptor) {
    Map<String, Map<String, Object>> applications = new LinkedHashMap<>();
    descriptor.applications().forEach(a -> applications.put(a.name(), a.config()));
    return new ReleaseConfig(applications);
  }

  /** {@code application}'s config: its descriptor's defaults, overridden by this file's values. */
  public Map<String, Object> effective(ReleaseDescriptor.Application application) {
    return effective(application, System.getenv());
  }

  /**
   * As {@link #effective(ReleaseDescriptor.Application)}, with {@code environment} in place of the
   * process's: {@code MOLT_CONFIG_<APP>_<KEY>} (upper case, any other character than a letter or a
   * digit as {@code _}) overrides the key of a config statement or of the descriptor, typed as a
   * bare value ({@link ReleaseDescriptor#configValue}).
   */
  public Map<String, Object> effective(
      ReleaseDescriptor.Application application, Map<String, String> environment) {
    Map<String, Object> config = new LinkedHashMap<>(application.config());
    config.putAll(applications.getOrDefault(application.name(), Map.of()));
    for (String key : List.copyOf(config.keySet())) {
      String variable = "MOLT_CONFIG_" + envName(application.name()) + "_" + envName(key);
      String override = environment.get(variable);
      if (override != null) {
        config.put(key, ReleaseDescriptor.configValue(override));
      }
    }
    return config;
  }

  private static String envName(String name) {
    return name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** The config as text; {@link #parse} reads it back equal. */
  public String write(String comment) {
    Writer out = new Writer();
    out.comment(comment);
    applications.forEach(
        (application, values) -> {
          java.util.List<Object> args = new java.util.ArrayList<>();
          args.add(application);
          args.addAll(ReleaseDescriptor.configOptions(values));
          out.line("config", args.toArray());
        });
    return out.toString();
  }
}
