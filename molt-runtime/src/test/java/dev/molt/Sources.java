package dev.molt;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Writes Java sources for test modules, and builds jars and class directories from them. */
public final class Sources {
  private Sources() {}

  /** Writes each {@code className -> source} under {@code dir} and returns the files. */
  public static Path[] write(Path dir, Map<String, String> classes) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, String> entry : classes.entrySet()) {
      Path file = dir.resolve(entry.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, entry.getValue());
      files.add(file);
    }
    return files.toArray(Path[]::new);
  }

  /** Compiles {@code classes} into a class directory {@code out}. */
  public static Path classes(Path dir, Path out, Map<String, String> classes) throws IOException {
    Path[] files = write(dir, classes);
    var compiler = javax.tools.ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new ArrayList<>(
            List.of(
                "-d",
                out.toString(),
                "-cp",
                System.getProperty("java.class.path")
                    + java.io.File.pathSeparator
                    + System.getProperty("jdk.module.path", "")));
    for (Path file : files) {
      args.add(file.toString());
    }
    int rc = compiler.run(null, null, null, args.toArray(String[]::new));
    if (rc != 0) {
      throw new IllegalStateException("test sources did not compile");
    }
    return out;
  }

  /** Jars the class directory {@code classes} into {@code jar}. */
  public static Path jar(Path classes, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> paths = Files.walk(classes)) {
      for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(path));
        out.closeEntry();
      }
    }
    return jar;
  }

  /**
   * A GenServer in package {@code pkg} whose state is {@code stateRecord} and whose calls return
   * {@code reply}.
   */
  public static String server(String pkg, String stateRecord, String initState, String reply) {
    return """
        package %s;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        public final class Server implements GenServer<Server.State> {
          public %s
          public Init<State> init(Object arg) { return Init.ok(%s); }
          public CallResult<State> handleCall(Object request, From from, State state) {
            return new Reply<>(%s, state);
          }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
        }
        """
        .formatted(pkg, stateRecord, initState, reply);
  }
}
