package dev.molt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;

/** Compiles the modules the code-loading benchmarks load, once, into class directories. */
final class BenchModules {
  private BenchModules() {}

  /** The KV server as a module: state record with a map, get and put. */
  static final String KV =
      """
      package bench.kv;
      import dev.molt.*;
      import dev.molt.behaviour.*;
      import dev.molt.code.*;
      import dev.molt.sys.*;
      import java.util.*;
      public final class Kv implements GenServer<Kv.State> {
        public record State(Map<String, Object> data) {}
        public record Get(String key) {}
        public record Put(String key, Object value) {}
        public Init<State> init(Object arg) {
          Map<String, Object> data = new HashMap<>();
          int keys = arg == null ? 0 : (Integer) arg;
          for (int i = 0; i < keys; i++) { data.put(Integer.toString(i), i); }
          return Init.ok(new State(data));
        }
        public CallResult<State> handleCall(Object request, From from, State state) {
          if (request instanceof String key) { return new Reply<>(state.data().get(key), state); }
          return new Reply<>(null, state);
        }
        public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(state); }
      }
      """;

  /** A worker with a small state record, for the 100,000-process upgrade. */
  static final String WORKER =
      """
      package bench.worker;
      import dev.molt.*;
      import dev.molt.behaviour.*;
      import dev.molt.code.*;
      import dev.molt.sys.*;
      public final class Worker implements GenServer<Worker.State> {
        public record State(int id, long seen) {}
        public Init<State> init(Object arg) { return Init.ok(new State((Integer) arg, 0)); }
        public CallResult<State> handleCall(Object request, From from, State state) { return new Reply<>(state.seen(), state); }
        public CastResult<State> handleCast(Object request, State state) { return new NoReply<>(new State(state.id(), state.seen() + 1)); }
      }
      """;

  /** Twenty small classes in one module, for load_module_us. */
  static String twentyClasses(int i) {
    return """
        package bench.twenty;
        public final class C%d {
          private final int value;
          public C%d(int value) { this.value = value; }
          public int value() { return value; }
          public int twice() { return value * 2; }
          public String describe() { return "C%d(" + value + ")"; }
          public static int sum(int[] values) { int s = 0; for (int v : values) { s += v; } return s; }
        }
        """
        .formatted(i, i, i);
  }

  static Path compile(String name, List<String> sources) throws IOException {
    Path src = Files.createTempDirectory("molt-bench-src-");
    Path out = Files.createTempDirectory("molt-bench-" + name + "-");
    List<String> args =
        new ArrayList<>(
            List.of("-d", out.toString(), "-cp", System.getProperty("java.class.path")));
    for (String source : sources) {
      String pkg = source.substring(source.indexOf("package ") + 8, source.indexOf(';'));
      String cls = source.substring(source.indexOf("public final class ") + 19).split("[ <{]")[0];
      Path file = src.resolve(pkg.replace('.', '/')).resolve(cls + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source);
      args.add(file.toString());
    }
    if (ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new))
        != 0) {
      throw new IllegalStateException("benchmark module " + name + " did not compile");
    }
    return out;
  }

  /** Compiles and loads the KV module and starts a server on it holding {@code keys} keys. */
  @SuppressWarnings("unchecked")
  static dev.molt.Pid startKv(int keys) throws IOException {
    return startKv(keys, false);
  }

  /**
   * As {@link #startKv(int)}; with {@code typed}, the state's map is declared {@code Map<String,
   * Integer>}, which proves to migration that no value needs mapping.
   */
  static dev.molt.Pid startKv(int keys, boolean typed) throws IOException {
    String code = typed ? KV.replace("Map<String, Object>", "Map<String, Integer>") : KV;
    dev.molt.code.ModuleSource source =
        dev.molt.code.ModuleSource.directory("kv", compile("kv", List.of(code)));
    dev.molt.code.CodeServer.load(source);
    Class<?> kv = dev.molt.code.CodeServer.currentClass("bench.kv.Kv").orElseThrow();
    return dev.molt.behaviour.GenServer.start(
        dev.molt.code.CodeServer.newInstance(kv, dev.molt.behaviour.GenServer.class), keys);
  }

  /** The source the KV module was last loaded from. */
  static dev.molt.code.ModuleSource kvSource() {
    return dev.molt.code.ModuleSource.directory(
        "kv", java.nio.file.Path.of(dev.molt.code.CodeServer.which("kv").orElseThrow().origin()));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
