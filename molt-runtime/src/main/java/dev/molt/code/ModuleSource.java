package dev.molt.code;

import static org.apiguardian.api.API.Status.STABLE;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Where a module's classes come from: a jar, a class directory, or Java source files that the code
 * server compiles. A module may depend on other loaded modules: its classes see their current
 * versions after its own classes and before the stable layer.
 *
 * @param name the module's name, such as {@code kv}
 * @param kind jar, directory or sources
 * @param paths the jar or directory (one path), or the source files
 * @param dependsOn the modules whose classes this one uses
 */
@API(status = STABLE, since = "0.1")
public record ModuleSource(String name, Kind kind, List<Path> paths, List<String> dependsOn) {
  /** What the paths are. */
  @API(status = STABLE, since = "0.1")
  public enum Kind {
    JAR,
    DIRECTORY,
    SOURCES
  }

  public ModuleSource {
    Objects.requireNonNull(name, "a module needs a name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a module name must not be blank");
    }
    Objects.requireNonNull(kind, "kind");
    paths = List.copyOf(Objects.requireNonNull(paths, "paths"));
    dependsOn = List.copyOf(Objects.requireNonNull(dependsOn, "dependsOn"));
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("module " + name + " needs at least one path");
    }
    if (kind != Kind.SOURCES && paths.size() != 1) {
      throw new IllegalArgumentException(
          "module " + name + ": a " + kind + " module has exactly one path, got " + paths);
    }
    if (dependsOn.contains(name)) {
      throw new IllegalArgumentException("module " + name + " cannot depend on itself");
    }
  }

  public static ModuleSource jar(String name, Path jar) {
    return new ModuleSource(name, Kind.JAR, List.of(jar), List.of());
  }

  public static ModuleSource directory(String name, Path classes) {
    return new ModuleSource(name, Kind.DIRECTORY, List.of(classes), List.of());
  }

  public static ModuleSource sources(String name, Path... sourceFiles) {
    return new ModuleSource(name, Kind.SOURCES, List.of(sourceFiles), List.of());
  }

  public ModuleSource dependingOn(String... modules) {
    return new ModuleSource(name, kind, paths, List.of(modules));
  }
}
