package dev.molt.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Sources;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Value migration between two versions of a module's classes, loaded for real. */
class MigrationTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir Path dir;

  private final String module = "mig" + NAMES.incrementAndGet();
  private final String pkg = "test.migrate." + module;

  private static final String V1 =
      """
      package %s;
      public final class Types {
        public enum Color { RED, GREEN, BLUE }
        public sealed interface Shape permits Circle, Square {}
        public record Circle(double r) implements Shape {}
        public record Square(double side) implements Shape {}
        public record Item(String name, Color color, Shape shape) {}
        public record Holder(Object value) {}
        public record Index(java.util.Map<String, Object> byName, java.util.Map<String, Integer> counts) {}
      }
      """;

  private static final String V2 =
      """
      package %s;
      import dev.molt.code.Default;
      public final class Types {
        public enum Color { BLUE, GREEN, RED, YELLOW }
        public sealed interface Shape permits Circle, Square {}
        public record Circle(double r, @Default("1") int zoom) implements Shape {}
        public record Square(double side) implements Shape {}
        public record Item(String name, Color color, Shape shape, @Default(method = "noTags") java.util.List<String> tags) {
          static java.util.List<String> noTags() { return java.util.List.of(); }
        }
        public record Holder(Object value) {}
        public record Index(java.util.Map<String, Object> byName, java.util.Map<String, Integer> counts) {}
        public static Class<?> anchor() { return Types.class; }
      }
      """;

  private ClassLoader load(String version, String source) throws IOException {
    Path[] files =
        Sources.write(dir.resolve(version), Map.of(pkg + ".Types", source.formatted(pkg)));
    CodeServer.loadPurging(ModuleSource.sources(module, files));
    return CodeServer.currentClass(pkg + ".Types").orElseThrow().getClassLoader();
  }

  private Object make(ClassLoader loader, String simple, Object... args) throws Exception {
    Class<?> type = Class.forName(pkg + ".Types$" + simple, true, loader);
    Constructor<?> constructor = type.getDeclaredConstructors()[0];
    constructor.setAccessible(true);
    return constructor.newInstance(args);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object color(ClassLoader loader, String name) throws Exception {
    return Enum.valueOf((Class) Class.forName(pkg + ".Types$Color", true, loader), name);
  }

  private Object migrate(Object value, ClassLoader target) throws Exception {
    return Migration.migrate(value, Class.forName(pkg + ".Types", true, target));
  }

  @Test
  void recordsEnumsAndSealedCasesMapByNameAndNewComponentsTakeTheirDefault() throws Exception {
    ClassLoader v1 = load("v1", V1);
    Object item = make(v1, "Item", "ball", color(v1, "GREEN"), make(v1, "Circle", 2.0));
    ClassLoader v2 = load("v2", V2);
    Object migrated = migrate(item, v2);
    assertThat(migrated.getClass().getClassLoader()).isSameAs(v2);
    assertThat(migrated.toString())
        .isEqualTo("Item[name=ball, color=GREEN, shape=Circle[r=2.0, zoom=1], tags=[]]");
  }

  @Test
  void collectionsKeepTheirKindAndMutabilityAndUntouchedOnesAreKept() throws Exception {
    ClassLoader v1 = load("v1", V1);
    Object red = color(v1, "RED");
    List<Object> mutable = new ArrayList<>(List.of(red));
    List<Object> immutable = List.of(red);
    Map<String, Object> linked = new LinkedHashMap<>(Map.of("k", red));
    Map<String, Object> sorted = new TreeMap<>(Map.of("k", red));
    List<Object> unmodifiable = Collections.unmodifiableList(new ArrayList<>(List.of(red)));
    Object[] array = (Object[]) java.lang.reflect.Array.newInstance(red.getClass(), 1);
    array[0] = red;
    Map<String, Integer> plain = new HashMap<>(Map.of("x", 1));
    Object value =
        make(
            v1,
            "Holder",
            List.of(
                mutable,
                immutable,
                linked,
                sorted,
                unmodifiable,
                array,
                Optional.of(red),
                plain,
                Set.of(red)));
    ClassLoader v2 = load("v2", V2);

    List<?> parts =
        (List<?>) migrate(value, v2).getClass().getMethod("value").invoke(migrate(value, v2));
    Object newRed = color(v2, "RED");
    assertThat(parts.get(0)).isInstanceOf(ArrayList.class).isEqualTo(List.of(newRed));
    ((List<Object>) parts.get(0)).add("still mutable");
    assertThat(parts.get(1).getClass().getName()).startsWith("java.util.ImmutableCollections$");
    assertThat(parts.get(2)).isInstanceOf(LinkedHashMap.class).isEqualTo(Map.of("k", newRed));
    assertThat(parts.get(3)).isInstanceOf(TreeMap.class);
    assertThatThrownBy(() -> ((List<Object>) parts.get(4)).add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(((Object[]) parts.get(5))[0]).isSameAs(newRed);
    assertThat(parts.get(5).getClass().getComponentType().getClassLoader()).isSameAs(v2);
    assertThat(parts.get(6)).isEqualTo(Optional.of(newRed));
    assertThat(parts.get(7)).as("nothing to map: the same map").isSameAs(plain);
    assertThat(parts.get(8)).isEqualTo(Set.of(newRed));
  }

  @Test
  void declaredTypesSpareTheScanOfWhatCannotHoldModuleValues() throws Exception {
    ClassLoader v1 = load("v1", V1);
    Map<String, Object> byName = new HashMap<>(Map.of("red", color(v1, "RED"), "plain", 7));
    Map<String, Integer> counts = new HashMap<>(Map.of("a", 1));
    Object index = make(v1, "Index", byName, counts);
    ClassLoader v2 = load("v2", V2);
    Object migrated = migrate(index, v2);
    Map<?, ?> newByName = (Map<?, ?>) migrated.getClass().getMethod("byName").invoke(migrated);
    assertThat(newByName.get("red")).isSameAs(color(v2, "RED"));
    assertThat(newByName.get("plain")).isEqualTo(7);
    assertThat(migrated.getClass().getMethod("counts").invoke(migrated))
        .as("Map<String, Integer>: kept as is")
        .isSameAs(counts);
  }

  @Test
  void identityAndCyclesArePreserved() throws Exception {
    ClassLoader v1 = load("v1", V1);
    Object shared = make(v1, "Item", "ball", color(v1, "RED"), make(v1, "Square", 3.0));
    Object flat = make(v1, "Square", 1.0);
    List<Object> cycle = new ArrayList<>();
    cycle.add(shared);
    cycle.add(shared);
    cycle.add(cycle);
    cycle.add(flat);
    cycle.add(flat);
    Object holder = make(v1, "Holder", cycle);
    ClassLoader v2 = load("v2", V2);
    List<?> migrated =
        (List<?>) migrate(holder, v2).getClass().getMethod("value").invoke(migrate(holder, v2));
    assertThat(migrated.get(0)).isSameAs(migrated.get(1));
    assertThat(migrated.get(0).getClass().getClassLoader()).isSameAs(v2);
    assertThat(migrated.get(2)).isSameAs(migrated);
    assertThat(migrated.get(3))
        .as("a record of JDK values is a value: equal, not necessarily the same object")
        .isEqualTo(migrated.get(4));
    assertThat(migrated.get(3).getClass().getClassLoader()).isSameAs(v2);
  }

  @Test
  void unmappableValuesNameTheirPath() throws Exception {
    ClassLoader v1 =
        load(
            "v1",
            V1.replace(
                "public record Holder(Object value) {}",
                "public record Holder(Object value) {}\n  public static Runnable lambda() { return () -> {}; }"));
    Object lambda = Class.forName(pkg + ".Types", true, v1).getMethod("lambda").invoke(null);
    Object holder = make(v1, "Holder", List.of("fine", Map.of("handler", lambda)));
    ClassLoader v2 = load("v2", V2);
    assertThatThrownBy(() -> migrate(holder, v2))
        .isInstanceOfSatisfying(
            MigrationException.class,
            e -> assertThat(e.path()).isEqualTo("state.value[1]{handler}"))
        .hasMessageContaining("lambda of " + module + " v")
        .hasMessageContaining("handle it in codeChange");
  }

  @Test
  void aMissingEnumConstantOrClassIsAnError() throws Exception {
    ClassLoader v1 = load("v1", V1);
    Object green = color(v1, "GREEN");
    ClassLoader v2 = load("v2", V2.replace("BLUE, GREEN, RED, YELLOW", "BLUE, RED"));
    assertThatThrownBy(() -> migrate(green, v2))
        .hasMessageContaining("Color.GREEN")
        .hasMessageContaining("no longer exists");
  }

  @Test
  void aNewComponentWithoutADefaultIsRefusedWhenTheVersionIsLoaded() throws Exception {
    load("v1", V1);
    assertThatThrownBy(
            () ->
                load(
                    "v2",
                    V2.replace(
                        "record Square(double side)", "record Square(double side, int corners)")))
        .isInstanceOf(CodeException.class)
        .hasMessageContaining("gains component corners, which has no @Default");
  }

  @Test
  void aNewComponentWithoutADefaultFailsMigrationWithItsPath() throws Exception {
    ClassLoader v1 = load("v1", V1);
    Object item = make(v1, "Holder", List.of(make(v1, "Square", 1.0)));
    String server =
        String.join(
            "\n",
            "public static final class Server implements dev.molt.behaviour.GenServer<Object> {",
            "  public dev.molt.behaviour.Init<Object> init(Object a) { return dev.molt.behaviour.Init.ok(a); }",
            "  public dev.molt.behaviour.CallResult<Object> handleCall(Object r, dev.molt.behaviour.From f, Object s) { return new dev.molt.behaviour.Reply<>(s, s); }",
            "  public dev.molt.behaviour.CastResult<Object> handleCast(Object r, Object s) { return new dev.molt.behaviour.NoReply<>(s); }",
            "  public Object codeChange(Object v, Object s, Object e) { return s; }",
            "}",
            "public static Class<?> anchor()");
    String overriding =
        V2.replace("record Square(double side)", "record Square(double side, int corners)")
            .replace("public static Class<?> anchor()", server);
    ClassLoader v2 = load("v2", overriding);
    assertThatThrownBy(() -> migrate(item, v2))
        .isInstanceOfSatisfying(
            MigrationException.class, e -> assertThat(e.path()).isEqualTo("state.value[0].corners"))
        .hasMessageContaining("is new and has no @Default");
  }

  @Test
  void valuesOutsideModulesPassThrough() {
    Object value = new ArrayList<>(List.of("a", 1, Map.of("b", 2)));
    assertThat(Migration.migrate(value, String.class)).isSameAs(value);
  }
}
