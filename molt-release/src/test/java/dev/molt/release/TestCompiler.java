package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Compiles Java sources for tests against Molt, with javac in this JVM. */
final class TestCompiler {
  private TestCompiler() {}

  /**
   * Writes {@code sources} (path under the source root, such as {@code gen/app/Server.java}, to
   * text) under {@code dir/src}, compiles them into {@code dir/classes} and returns that directory.
   */
  static Path compile(Path dir, Map<String, String> sources) throws IOException {
    Path src = dir.resolve("src");
    Path out = Files.createDirectories(dir.resolve("classes"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                out.toString(),
                "-proc:none",
                "-cp",
                System.getProperty("java.class.path")
                    + File.pathSeparator
                    + System.getProperty("jdk.module.path", "")));
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      args.add(file.toString());
    }
    StringWriter errors = new StringWriter();
    boolean compiled =
        javax.tools.ToolProvider.getSystemJavaCompiler()
            .getTask(
                errors,
                null,
                null,
                args.subList(0, 5),
                null,
                javaFiles(args.subList(5, args.size())))
            .call();
    assertThat(compiled).as("javac: %s", errors).isTrue();
    return out;
  }

  private static Iterable<? extends javax.tools.JavaFileObject> javaFiles(List<String> paths) {
    return javax.tools.ToolProvider.getSystemJavaCompiler()
        .getStandardFileManager(null, null, null)
        .getJavaFileObjectsFromStrings(paths);
  }

  /** The classes under {@code out}: binary class name to bytes. */
  static Map<String, byte[]> classes(Path out) throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(out)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        String name = out.relativize(file).toString().replace(File.separatorChar, '.');
        classes.put(name.substring(0, name.length() - ".class".length()), Files.readAllBytes(file));
      }
    }
    return classes;
  }
}
