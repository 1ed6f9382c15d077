package dev.molt.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Damaged class files given to the appup generator: an answer or an {@link
 * IllegalArgumentException}, nothing else.
 */
class AppupGeneratorFuzzTest {
  private static Map<String, byte[]> good;

  @BeforeContainer
  static void compile() throws IOException {
    Path dir = Files.createTempDirectory("appup-fuzz");
    Path src = Files.createDirectories(dir.resolve("src/fz"));
    Path out = Files.createDirectories(dir.resolve("classes"));
    Files.writeString(
        src.resolve("Server.java"),
        """
        package fz;
        import dev.molt.*;
        import dev.molt.behaviour.*;
        import dev.molt.code.*;
        import dev.molt.sys.*;
        public final class Server implements GenServer<Server.State> {
          public record State(int n, @Default("0") long calls) {}
          public enum Mode { ON, OFF }
          public Init<State> init(Object arg) { return Init.ok(new State(0, 0)); }
          public CallResult<State> handleCall(Object request, From from, State state) { return new Reply<>(Mode.ON, state); }
          public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
        }
        """);
    int rc =
        javax.tools.ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-d",
                out.toString(),
                "-cp",
                System.getProperty("java.class.path")
                    + File.pathSeparator
                    + System.getProperty("jdk.module.path", ""),
                src.resolve("Server.java").toString());
    assertThat(rc).isZero();
    good = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(out)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        String name = out.relativize(file).toString().replace('/', '.');
        good.put(name.substring(0, name.length() - 6), Files.readAllBytes(file));
      }
    }
  }

  @Provide
  Arbitrary<byte[]> damaged() {
    List<String> names = List.copyOf(good.keySet());
    return Arbitraries.of(names)
        .flatMap(
            name -> {
              byte[] bytes = good.get(name);
              Arbitrary<Integer> at = Arbitraries.integers().between(0, bytes.length - 1);
              return Combinators.combine(
                      at, Arbitraries.bytes(), Arbitraries.integers().between(0, 2))
                  .as(
                      (i, value, kind) -> {
                        byte[] copy =
                            switch (kind) {
                              case 0 -> java.util.Arrays.copyOf(bytes, i);
                              case 1 -> {
                                byte[] c = bytes.clone();
                                c[i] = value;
                                yield c;
                              }
                              default -> {
                                byte[] c = bytes.clone();
                                for (int j = i; j < Math.min(c.length, i + 8); j++) {
                                  c[j] = (byte) ~c[j];
                                }
                                yield c;
                              }
                            };
                        Map<String, byte[]> classes = new LinkedHashMap<>(good);
                        classes.put(name, copy);
                        return flatten(classes);
                      });
            });
  }

  /** A map in one array, so that jqwik can shrink and report it: name, NUL, length, bytes... */
  private static byte[] flatten(Map<String, byte[]> classes) {
    var out = new java.io.ByteArrayOutputStream();
    var data = new java.io.DataOutputStream(out);
    try {
      for (Map.Entry<String, byte[]> c : classes.entrySet()) {
        data.writeUTF(c.getKey());
        data.writeInt(c.getValue().length);
        data.write(c.getValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static Map<String, byte[]> unflatten(byte[] flat) throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(flat));
    while (in.available() > 0) {
      String name = in.readUTF();
      int length = in.readInt();
      if (length < 0 || length > in.available()) {
        break; // the damage hit the test's own framing: what came before is the build
      }
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      classes.put(name, bytes);
    }
    return classes;
  }

  @Property(tries = 400)
  void aDamagedBuildGivesAnAppupOrAClearError(@ForAll("damaged") byte[] flat) throws IOException {
    Map<String, byte[]> build = unflatten(flat);
    try {
      AppupGenerator.Result result =
          AppupGenerator.generate(
              "app", "1.0.0", Map.of("app", good), "1.1.0", Map.of("app", build));
      assertThat(Appup.parse("generated", result.appup().write())).isEqualTo(result.appup());
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
