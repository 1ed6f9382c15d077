package dev.molt.internal.code;

import dev.molt.code.CodeException;
import dev.molt.code.ModuleSource;
import dev.molt.internal.compiler.SourceCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipException;

/**
 * Reads a module's class files from a jar or a directory, or compiles its sources ({@link
 * SourceCompiler}).
 */
final class ClassBytes {
  private ClassBytes() {}

  /** Class name to bytes, and the on-disk stamps used to tell whether the module changed. */
  record Read(Map<String, byte[]> bytes, Map<String, Long> stamps) {}

  static Read read(ModuleSource source, List<Map<String, byte[]>> compileClasspath) {
    try {
      return switch (source.kind()) {
        case JAR -> readJar(source);
        case DIRECTORY -> readDirectory(source);
        case SOURCES -> compile(source, compileClasspath);
      };
    } catch (NoSuchFileException e) {
      throw new CodeException(
          CodeException.Kind.NOT_FOUND,
          "module " + source.name() + " cannot be loaded: " + e.getFile() + " does not exist");
    } catch (ZipException e) {
      throw new CodeException(
          CodeException.Kind.BAD_CLASS,
          "module "
              + source.name()
              + " cannot be loaded: "
              + source.paths().getFirst()
              + " is not a readable jar ("
              + e.getMessage()
              + ")",
          e);
    } catch (IOException e) {
      throw new CodeException(
          CodeException.Kind.NOT_FOUND, "module " + source.name() + " cannot be loaded: " + e, e);
    }
  }

  /** What the module's files on disk look like now, to compare with the stamps of a load. */
  static Map<String, Long> stamps(ModuleSource source) {
    Map<String, Long> stamps = new HashMap<>();
    for (Path path : source.paths()) {
      try {
        if (Files.isDirectory(path)) {
          try (Stream<Path> files = Files.walk(path)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
              stamps.put(file.toString(), stamp(file));
            }
          }
        } else {
          stamps.put(path.toString(), stamp(path));
        }
      } catch (IOException e) {
        stamps.put(path.toString(), -1L);
      }
    }
    return stamps;
  }

  private static Read readJar(ModuleSource source) throws IOException {
    Path jar = source.paths().getFirst();
    if (!Files.exists(jar)) {
      throw new NoSuchFileException(jar.toString());
    }
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : java.util.Collections.list(file.entries())) {
        String name = entry.getName();
        if (name.endsWith(".class")
            && !name.endsWith("module-info.class")
            && !name.startsWith("META-INF/")) {
          try (InputStream in = file.getInputStream(entry)) {
            bytes.put(className(name), in.readAllBytes());
          }
        }
      }
    }
    return new Read(bytes, stamps(source));
  }

  private static long stamp(Path file) throws IOException {
    return Files.getLastModifiedTime(file).toMillis() ^ Files.size(file) << 20;
  }

  private static Read readDirectory(ModuleSource source) throws IOException {
    Path root = source.paths().getFirst();
    if (!Files.isDirectory(root)) {
      throw new NoSuchFileException(root.toString());
    }
    Map<String, Long> stamps = new HashMap<>();
    return new Read(classesIn(root, stamps), stamps);
  }

  /**
   * The class files under {@code root}; with {@code stamps}, every file's stamp, in the same walk.
   */
  private static Map<String, byte[]> classesIn(Path root, Map<String, Long> stamps)
      throws IOException {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (stamps != null) {
          stamps.put(file.toString(), stamp(file));
        }
        String relative = root.relativize(file).toString().replace('\\', '/');
        if (relative.endsWith(".class") && !relative.endsWith("module-info.class")) {
          bytes.put(className(relative), Files.readAllBytes(file));
        }
      }
    }
    return bytes;
  }

  private static Read compile(ModuleSource source, List<Map<String, byte[]>> dependencies)
      throws IOException {
    try {
      return new Read(SourceCompiler.compile(source.paths(), dependencies), stamps(source));
    } catch (SourceCompiler.CompileError e) {
      throw new CodeException(
          CodeException.Kind.COMPILE_ERROR,
          "module " + source.name() + " does not compile:\n" + e.getMessage());
    }
  }

  private static String className(String path) {
    return path.substring(0, path.length() - ".class".length()).replace('/', '.');
  }
}
