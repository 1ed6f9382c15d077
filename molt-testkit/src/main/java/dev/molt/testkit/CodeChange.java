package dev.molt.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.code.CodeServer;
import dev.molt.code.ModuleInfo;
import dev.molt.code.ModuleSource;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import org.apiguardian.api.API;

/**
 * Two versions of a module's classes loaded side by side in this JVM, as during an upgrade, to test
 * a server's {@code codeChange} in milliseconds with no release: build a state with the old
 * version's classes, move it to the new version with {@link #up}, and back with {@link #down}.
 *
 * <pre>{@code
 * try (CodeChange change = CodeChange.between(Path.of("target/v1-classes"), Path.of("target/classes"))) {
 *   Object v1 = change.initialState("com.example.Store", null);
 *   Object v2 = change.up("com.example.Store", v1);
 *   assertThat(Migration.component(v2, "sessions")).isEqualTo(Migration.component(v1, "sessions"));
 * }
 * }</pre>
 *
 * {@code up} and {@code down} call {@code codeChange} as a node's code change does: on a new
 * instance of the target version's callbacks class, with the source version's number as {@code
 * oldVsn}. Then they check what the node checks: the new state holds no object of the version it
 * left. The two versions load as one module of a name of their own; {@link #close()} unloads them.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class CodeChange implements AutoCloseable {
  private static final AtomicInteger MODULES = new AtomicInteger();

  private final String module;
  private final ClassLoader v1;
  private final ClassLoader v2;
  private final int v1Number;
  private final int v2Number;

  private CodeChange(String module, ClassLoader v1, int v1Number, ClassLoader v2, int v2Number) {
    this.module = module;
    this.v1 = v1;
    this.v1Number = v1Number;
    this.v2 = v2;
    this.v2Number = v2Number;
  }

  /**
   * Loads {@code v1} then {@code v2}, each a class directory or a jar holding the same module's
   * classes in two versions (a release's module jar, say, and {@code target/classes}).
   */
  public static CodeChange between(Path v1, Path v2) {
    String module = "codechange-" + MODULES.incrementAndGet();
    ModuleInfo first = CodeServer.load(source(module, v1)).loaded().getFirst();
    ClassLoader v1Loader = loaderOf(first);
    ModuleInfo second;
    try {
      second = CodeServer.load(source(module, v2)).loaded().getFirst();
    } catch (RuntimeException e) {
      CodeServer.delete(module);
      CodeServer.purge(module);
      throw e;
    }
    return new CodeChange(module, v1Loader, first.version(), loaderOf(second), second.version());
  }

  private static ModuleSource source(String module, Path classes) {
    if (Files.isDirectory(classes)) {
      return ModuleSource.directory(module, classes);
    }
    if (Files.isRegularFile(classes)) {
      return ModuleSource.jar(module, classes);
    }
    throw new IllegalArgumentException(
        Files.exists(classes)
            ? classes + " is neither a class directory nor a jar"
            : classes + " does not exist (a class directory or a jar of the module's classes)");
  }

  private static ClassLoader loaderOf(ModuleInfo info) {
    if (info.classes().isEmpty()) {
      throw new IllegalArgumentException(info.origin() + " has no class");
    }
    return CodeServer.currentClass(info.classes().getFirst()).orElseThrow().getClassLoader();
  }

  /** The old version's class of that name. */
  public Class<?> v1Class(String className) {
    return classIn(v1, className, "v1");
  }

  /** The new version's class of that name. */
  public Class<?> v2Class(String className) {
    return classIn(v2, className, "v2");
  }

  private static Class<?> classIn(ClassLoader loader, String className, String which) {
    try {
      Class<?> type = Class.forName(className, false, loader);
      if (type.getClassLoader() != loader) {
        throw new IllegalArgumentException(
            which + " has no class " + className + " (the module's loader finds one outside it)");
      }
      return type;
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(which + " has no class " + className, e);
    }
  }

  /** The state {@code init(arg)} of the old version's server {@code className} starts with. */
  public Object initialState(String className, Object arg) {
    GenServer<?> callbacks = callbacks(v1Class(className));
    try {
      Init<?> init = callbacks.init(arg);
      if (init instanceof Init.Ok<?> ok) {
        return ok.state();
      }
      throw new IllegalStateException(className + ".init(" + arg + ") did not start: " + init);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(className + ".init(" + arg + ") threw " + e, e);
    }
  }

  /** Moves {@code v1State} to the new version: the new {@code className}'s {@code codeChange}. */
  public Object up(String className, Object v1State) {
    return change(v2Class(className), v1Number, v1State, null, v1);
  }

  /** {@link #up(String, Object)} with {@code extra}, what the relup's code change passes. */
  public Object up(String className, Object v1State, Object extra) {
    return change(v2Class(className), v1Number, v1State, extra, v1);
  }

  /**
   * Moves {@code v2State} back to the old version: the old {@code className}'s {@code codeChange}.
   */
  public Object down(String className, Object v2State) {
    return change(v1Class(className), v2Number, v2State, null, v2);
  }

  /** {@link #down(String, Object)} with {@code extra}. */
  public Object down(String className, Object v2State, Object extra) {
    return change(v1Class(className), v2Number, v2State, extra, v2);
  }

  /**
   * Random states of the old version's {@code stateClass}, built from its structure ({@link
   * StateArbitraries}): what a property test moves up and back.
   */
  public Arbitrary<Object> v1States(String stateClass) {
    return StateArbitraries.of(v1Class(stateClass));
  }

  /**
   * Moves {@code v1State} up, down and up again, and fails unless both new-version states are
   * equal: what the new version keeps survives a downgrade and an upgrade. Returns the state after
   * the downgrade. A new version that fills a component differently each time (a clock, say) cannot
   * pass: test it with {@link #up} and {@link #down}.
   */
  public Object roundTrip(String serverClass, Object v1State) {
    Object up = up(serverClass, v1State);
    Object back = down(serverClass, up);
    Object again = up(serverClass, back);
    if (!java.util.Objects.equals(up, again)) {
      throw new AssertionError(
          "the round trip through the old version changed what the new one keeps:\n  v1 state:   "
              + v1State
              + "\n  up:         "
              + up
              + "\n  down:       "
              + back
              + "\n  up again:   "
              + again);
    }
    return back;
  }

  private static Object change(
      Class<?> target, int fromNumber, Object state, Object extra, ClassLoader left) {
    Object next;
    try {
      next = callbacks(target).codeChange(fromNumber, state, extra);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(target.getName() + ".codeChange threw " + e, e);
    }
    Optional<String> stale = staleObject(next, left);
    if (stale.isPresent()) {
      throw new AssertionError(
          target.getName()
              + ".codeChange returned a state that still holds an object of the version it"
              + " left, at "
              + stale.get()
              + "; build it from the new classes (Migration.migrate(value, getClass()))");
    }
    return next;
  }

  private static GenServer<?> callbacks(Class<?> type) {
    if (!GenServer.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(type.getName() + " is not a GenServer");
    }
    try {
      var constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return (GenServer<?>) constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(
          "cannot instantiate " + type.getName() + ": it needs a no-argument constructor", e);
    }
  }

  /** Where {@code state} reaches an object of a class {@code left} defined, if anywhere. */
  static Optional<String> staleObject(Object state, ClassLoader left) {
    Deque<Map.Entry<String, Object>> todo = new ArrayDeque<>();
    Map<Object, Boolean> seen = new IdentityHashMap<>();
    todo.push(Map.entry("state", state == null ? Optional.empty() : state));
    while (!todo.isEmpty()) {
      Map.Entry<String, Object> next = todo.pop();
      Object value = next.getValue();
      if (value == null || seen.put(value, Boolean.TRUE) != null) {
        continue;
      }
      Class<?> type = value.getClass();
      if (type.getClassLoader() == left) {
        return Optional.of(next.getKey() + " (" + type.getName() + ")");
      }
      String at = next.getKey();
      if (type.isRecord()) {
        for (RecordComponent component : type.getRecordComponents()) {
          try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true);
            push(todo, at + "." + component.getName(), accessor.invoke(value));
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + at + "." + component.getName(), e);
          }
        }
      } else if (value instanceof Map<?, ?> map) {
        map.forEach(
            (k, v) -> {
              push(todo, at + "[key]", k);
              push(todo, at + "[" + k + "]", v);
            });
      } else if (value instanceof Collection<?> collection) {
        collection.forEach(e -> push(todo, at + "[element]", e));
      } else if (value instanceof Optional<?> optional) {
        optional.ifPresent(v -> push(todo, at + ".get()", v));
      } else if (type.isArray() && !type.componentType().isPrimitive()) {
        for (int i = 0; i < Array.getLength(value); i++) {
          push(todo, at + "[" + i + "]", Array.get(value, i));
        }
      }
    }
    return Optional.empty();
  }

  private static void push(Deque<Map.Entry<String, Object>> todo, String at, Object value) {
    if (value != null) {
      todo.push(Map.entry(at, value));
    }
  }

  /** Unloads both versions. */
  @Override
  public void close() {
    if (CodeServer.isLoaded(module)) {
      CodeServer.purge(module);
      CodeServer.delete(module);
      CodeServer.purge(module);
    }
  }
}
