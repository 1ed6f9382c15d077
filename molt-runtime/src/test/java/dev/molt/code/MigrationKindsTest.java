package dev.molt.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.molt.Sources;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shapes of state that real services hold, each migrated from v1 to v2 of a module loaded for
 * real, then used by v2's own typed code: a switch that leaves an object of v1 inside the new state
 * is caught by the use ({@code ClassCastException: class X cannot be cast to class X}), as it was
 * in production. Each test is a case that broke before, with its story.
 */
class MigrationKindsTest {
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir Path dir;

  private final String module = "kinds" + NAMES.incrementAndGet();
  private final String pkg = "test.kinds." + module;

  /**
   * Loads v1 (whose {@code Types.sample()} builds a state), migrates the state to v2, and returns
   * what v2's {@code Types.use(state)} says of it.
   */
  private Object migrateAndUse(String v1, String v2) throws Exception {
    Class<?> old = load("v1", v1);
    Object state = call(old, "sample");
    Class<?> current = load("v2", v2);
    Object migrated = Migration.migrate(state, current);
    return call(current, "use", migrated);
  }

  private Object migrateOnly(String v1, String v2) throws Exception {
    Class<?> old = load("v1", v1);
    Object state = call(old, "sample");
    Class<?> current = load("v2", v2);
    return Migration.migrate(state, current);
  }

  private Class<?> load(String version, String body) throws IOException {
    String source =
        """
        package %s;
        import java.util.*;
        import java.util.concurrent.*;
        import java.util.concurrent.atomic.*;
        import dev.molt.code.*;
        public final class Types {
        %s
        }
        """
            .formatted(pkg, body);
    Path[] files = Sources.write(dir.resolve(version), Map.of(pkg + ".Types", source));
    CodeServer.loadPurging(ModuleSource.sources(module, files));
    return CodeServer.currentClass(pkg + ".Types").orElseThrow();
  }

  private static Object call(Class<?> type, String name, Object... args) throws Exception {
    for (Method method : type.getDeclaredMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == args.length) {
        method.setAccessible(true);
        try {
          return method.invoke(null, args);
        } catch (InvocationTargetException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    }
    throw new NoSuchMethodException(name);
  }

  private static final String JOB =
      "public record Job(int priority, String what) implements Comparable<Job> {\n"
          + "  public int compareTo(Job o) { return Integer.compare(priority, o.priority); } }\n";

  /**
   * A deque and a priority queue of module records came through unmapped, and the next poll
   * crashed.
   */
  @Test
  void queuesOfRecordsKeepTheirKindAndOrder() throws Exception {
    String v1 =
        JOB
            + """
            public record State(ArrayDeque<Job> deque, PriorityQueue<Job> queue) {}
            static Object sample() {
              ArrayDeque<Job> deque = new ArrayDeque<>(List.of(new Job(2, "b"), new Job(1, "a")));
              PriorityQueue<Job> queue = new PriorityQueue<>(List.of(new Job(3, "c"), new Job(1, "a"), new Job(2, "b")));
              return new State(deque, queue);
            }
            """;
    String v2 =
        JOB
            + """
            public record State(ArrayDeque<Job> deque, PriorityQueue<Job> queue) {}
            static String use(Object state) {
              State s = (State) state;
              Job first = s.deque().pollFirst();
              StringBuilder out = new StringBuilder(s.deque().getClass().getSimpleName() + ":" + first.what());
              s.queue().add(new Job(0, "z"));
              while (!s.queue().isEmpty()) { out.append(",").append(s.queue().poll().what()); }
              return out + ":" + s.queue().getClass().getSimpleName();
            }
            """;
    assertThat(migrateAndUse(v1, v2)).isEqualTo("ArrayDeque:b,z,a,b,c:PriorityQueue");
  }

  /** An AtomicReference and a Map.entry holding module records were passed through as they were. */
  @Test
  void atomicReferencesAndMapEntriesAreLookedInto() throws Exception {
    String body =
        """
        public record Item(String name) {}
        public record State(AtomicReference<Item> current, Map.Entry<String, Item> pinned,
            AtomicReferenceArray<Item> slots) {}
        """;
    String v1 =
        body
            + """
            static Object sample() {
              AtomicReferenceArray<Item> slots = new AtomicReferenceArray<>(2);
              slots.set(1, new Item("slot"));
              return new State(new AtomicReference<>(new Item("now")), Map.entry("k", new Item("pin")), slots);
            }
            """;
    String v2 =
        body
            + """
            static String use(Object state) {
              State s = (State) state;
              Item now = s.current().get();
              Item pin = s.pinned().getValue();
              Item slot = s.slots().get(1);
              return now.name() + "," + s.pinned().getKey() + "=" + pin.name() + "," + slot.name() + "," + s.slots().get(0);
            }
            """;
    assertThat(migrateAndUse(v1, v2)).isEqualTo("now,k=pin,slot,null");
  }

  /**
   * {@code record State(List<Item> items)} became {@code record State(List<String> items)}; the new
   * declared type was trusted and the Items were kept, to fail at the first {@code get}.
   */
  @Test
  void aChangedTypeArgumentIsCheckedAgainstTheValuesNotTrusted() throws Exception {
    String v1 =
        """
        public record Item(String name) {}
        public record State(List<Item> items) {}
        static Object sample() { return new State(new ArrayList<>(List.of(new Item("a")))); }
        """;
    String v2 =
        """
        public record Item(String name) {}
        public record State(List<String> items) {}
        """;
    assertThatThrownBy(() -> migrateOnly(v1, v2))
        .isInstanceOfSatisfying(
            MigrationException.class, e -> assertThat(e.path()).isEqualTo("state.items"))
        .hasMessageContaining("component items was java.util.List<" + pkg + ".Types$Item>")
        .hasMessageContaining("and is java.util.List<java.lang.String>")
        .hasMessageContaining("it holds a " + pkg + ".Types$Item at [0]")
        .hasMessageContaining("convert it in codeChange");
  }

  /**
   * Integer became Long: refused with the path "state", naming neither the component nor the types.
   */
  @Test
  void aComponentWhoseTypeChangedIsNamedWithBothTypes() throws Exception {
    String v1 =
        "public record State(Integer count) {}\nstatic Object sample() { return new State(7); }";
    String v2 = "public record State(Long count) {}";
    assertThatThrownBy(() -> migrateOnly(v1, v2))
        .isInstanceOfSatisfying(
            MigrationException.class, e -> assertThat(e.path()).isEqualTo("state.count"))
        .hasMessageContaining("component count was java.lang.Integer and is java.lang.Long")
        .hasMessageContaining("its value is a java.lang.Integer")
        .hasMessageContaining("Migration.component(oldState, \"count\")");
  }

  /**
   * The accessor returned {@code Collections.unmodifiableList(items)}; migration read the accessor,
   * so the new record held an unmodifiable list and the next {@code add} threw.
   */
  @Test
  void recordsAreReadByTheirFieldsNotTheirAccessors() throws Exception {
    String body =
        """
        public record Item(String name) {}
        public record State(List<Item> items) {
          public List<Item> items() { return Collections.unmodifiableList(items); }
          void add(Item item) { items.add(item); }
        }
        """;
    String v1 =
        body
            + "static Object sample() { return new State(new ArrayList<>(List.of(new Item(\"a\")))); }";
    String v2 =
        body
            + """
            static String use(Object state) {
              State s = (State) state;
              s.add(new Item("b"));
              return s.items().size() + ":" + s.items().get(1).name();
            }
            """;
    assertThat(migrateAndUse(v1, v2)).isEqualTo("2:b");
  }

  /**
   * An LRU (a LinkedHashMap in access order) came back in insertion order: the next eviction took
   * the wrong entry.
   */
  @Test
  void aLinkedHashMapKeepsItsAccessOrder() throws Exception {
    String body =
        "public record Item(String name) {}\npublic record State(LinkedHashMap<String, Item> lru) {}\n";
    String v1 =
        body
            + """
            static Object sample() {
              LinkedHashMap<String, Item> lru = new LinkedHashMap<>(16, 0.75f, true);
              lru.put("a", new Item("a")); lru.put("b", new Item("b")); lru.put("c", new Item("c"));
              lru.get("a");
              return new State(lru);
            }
            """;
    String v2 =
        body
            + """
            static String use(Object state) {
              LinkedHashMap<String, Item> lru = ((State) state).lru();
              String before = String.join("", lru.keySet());
              lru.get("b");
              return before + "/" + String.join("", lru.keySet()) + "/" + lru.firstEntry().getValue().name();
            }
            """;
    assertThat(migrateAndUse(v1, v2)).isEqualTo("bca/cab/c");
  }

  /**
   * {@code count} renamed {@code total} with a {@code @Default}: the value went to the default
   * without a word.
   */
  @Test
  void aRenamedComponentCarriesItsValue() throws Exception {
    String v1 =
        "public record State(long count) {}\nstatic Object sample() { return new State(41); }";
    String v2 =
        """
        public record State(@Renamed("count") @Default("0") long total) {}
        static String use(Object state) { return "total=" + ((State) state).total(); }
        """;
    assertThat(migrateAndUse(v1, v2)).isEqualTo("total=41");
  }

  /** A renamed record class: its values follow it when the new class declares the old name. */
  @Test
  void aRenamedClassCarriesItsValues() throws Exception {
    String v1 =
        """
        public record Basket(List<String> lines) {}
        public record State(Object cart) {}
        static Object sample() { return new State(new Basket(List.of("apple"))); }
        """;
    String v2 =
        """
        @Renamed("%s.Types$Basket") public record Cart(List<String> lines) {}
        public record State(Object cart) {}
        static String use(Object state) { return ((Cart) ((State) state).cart()).lines().toString(); }
        """
            .formatted(pkg);
    assertThat(migrateAndUse(v1, v2)).isEqualTo("[apple]");
  }

  /** A chain of 1,000–2,000 nested records overflowed the stack, once as a BootstrapMethodError. */
  @Test
  void aMillionDeepChainMigratesWithoutOverflowingTheStack() throws Exception {
    String v1 =
        """
        public record Node(int depth, Node next) {}
        static Object sample() { Node n = null; for (int i = 0; i < 1_000_000; i++) { n = new Node(i, n); } return n; }
        """;
    String v2 =
        """
        public record Node(int depth, Node next) {}
        static String use(Object state) {
          int count = 0; Node last = null;
          for (Node n = (Node) state; n != null; n = n.next()) { count++; last = n; }
          return count + ":" + last.depth();
        }
        """;
    assertThat(migrateAndUse(v1, v2)).isEqualTo("1000000:0");
  }

  /**
   * An EnumMap and an EnumSet of a module enum, empty ones included: each keeps its type, the new
   * one.
   */
  @Test
  void enumMapsAndEnumSetsOfAModuleEnumTakeTheNewEnum() throws Exception {
    String body =
        """
        public enum Color { RED, GREEN, BLUE }
        public record State(Object full, Object empty, Object set, Object emptySet) {}
        """;
    String v1 =
        body
            + """
            static Object sample() {
              EnumMap<Color, Integer> full = new EnumMap<>(Color.class); full.put(Color.GREEN, 2);
              return new State(full, new EnumMap<Color, Integer>(Color.class), EnumSet.of(Color.BLUE), EnumSet.noneOf(Color.class));
            }
            """;
    String v2 =
        body
            + """
            @SuppressWarnings("unchecked")
            static String use(Object state) {
              State s = (State) state;
              EnumMap<Color, Integer> full = (EnumMap<Color, Integer>) s.full();
              EnumMap<Color, Integer> empty = (EnumMap<Color, Integer>) s.empty();
              EnumSet<Color> set = (EnumSet<Color>) s.set();
              EnumSet<Color> none = (EnumSet<Color>) s.emptySet();
              empty.put(Color.RED, 1); none.add(Color.RED); set.add(Color.GREEN);
              return full.get(Color.GREEN) + "," + empty + "," + set + "," + none;
            }
            """;
    assertThat(migrateAndUse(v1, v2)).isEqualTo("2,{RED=1},[GREEN, BLUE],[RED]");
  }

  /**
   * A sorted map keeps its comparator: one of the module (a record) is mapped too, a lambda is
   * refused.
   */
  @Test
  void sortedCollectionsKeepTheirComparatorOrRefuseALambda() throws Exception {
    String body =
        """
        public record Item(String name) {}
        public record ByLength() implements Comparator<String> {
          public int compare(String a, String b) { return Integer.compare(a.length(), b.length()); }
        }
        public record State(TreeMap<String, Item> byLength, TreeSet<String> reversed) {}
        """;
    String v1 =
        body
            + """
            static Object sample() {
              TreeMap<String, Item> map = new TreeMap<>(new ByLength());
              map.put("ccc", new Item("3")); map.put("a", new Item("1"));
              TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder()); reversed.addAll(List.of("x", "y"));
              return new State(map, reversed);
            }
            """;
    String v2 =
        body
            + """
            static String use(Object state) {
              State s = (State) state;
              s.byLength().put("bb", new Item("2"));
              return s.byLength().keySet() + " " + s.byLength().comparator().getClass().getClassLoader().getName()
                  + " " + s.reversed();
            }
            """;
    assertThat((String) migrateAndUse(v1, v2))
        .startsWith("[a, bb, ccc] " + module + "@")
        .endsWith(" [y, x]");
  }

  /**
   * A comparator that is a lambda of the old code cannot be carried: the new map would call old
   * code.
   */
  @Test
  void aSortedMapWithALambdaComparatorIsRefused() throws Exception {

    String withLambda =
        """
        public record Item(String name) {}
        public record State(TreeMap<String, Item> map) {}
        static Object sample() {
          TreeMap<String, Item> map = new TreeMap<>((a, b) -> b.compareTo(a)); map.put("a", new Item("1"));
          return new State(map);
        }
        """;
    assertThatThrownBy(
            () ->
                migrateOnly(
                    withLambda,
                    "public record Item(String name) {}\npublic record State(TreeMap<String, Item> map) {}"))
        .isInstanceOfSatisfying(
            MigrationException.class, e -> assertThat(e.path()).isEqualTo("state.map.comparator()"))
        .hasMessageContaining("lambda of " + module);
  }

  /**
   * Weak keys, a JDK container Molt does not know, and a cycle through records: each refused with
   * its path.
   */
  @Test
  void whatCannotBeRebuiltFaithfullyIsRefusedWithItsPath() throws Exception {
    String body = "public record Item(String name) {}\npublic record State(Object value) {}\n";
    assertThatThrownBy(
            () ->
                migrateOnly(
                    body
                        + "static Object sample() { WeakHashMap<Item, String> m = new WeakHashMap<>(); "
                        + "Item k = new Item(\"k\"); m.put(k, \"v\"); return new State(List.of(k, m)); }",
                    body))
        .isInstanceOfSatisfying(
            MigrationException.class, e -> assertThat(e.path()).isEqualTo("state.value[1]"))
        .hasMessageContaining("WeakHashMap");
    assertThatThrownBy(
            () ->
                migrateOnly(
                    body
                        + "static Object sample() { Set<Item> set = Collections.newSetFromMap(new HashMap<>()); "
                        + "set.add(new Item(\"x\")); return new State(set); }",
                    body))
        .hasMessageContaining(
            "java.util.Collections$SetFromMap holding values of the module cannot be rebuilt");
    String cyclic =
        """
        public record Item(String name) {}
        public record Box(List<Object> inside) {}
        public record State(Object value) {}
        static Object sample() { List<Object> list = new ArrayList<>(); Box box = new Box(List.of(list)); list.add(box); return new State(box); }
        """;
    assertThatThrownBy(
            () ->
                migrateOnly(
                    cyclic, cyclic.replace("static Object sample()", "static Object unused()")))
        .isInstanceOfSatisfying(
            MigrationException.class,
            e -> assertThat(e.path()).isEqualTo("state.value.inside[0][0]"))
        .hasMessageContaining("cycle through records or immutable containers");
  }

  /**
   * {@code Stream.toList()} allows nulls, which {@code List.copyOf} refuses: the same kind of list
   * comes back.
   */
  @Test
  void anImmutableListWithNullsStaysOne() throws Exception {
    String body = "public record Item(String name) {}\npublic record State(List<Item> items) {}\n";
    String v1 =
        body
            + "static Object sample() { return new State(java.util.stream.Stream.of(new Item(\"a\"), null).toList()); }";
    String v2 =
        body
            + "static String use(Object state) { List<Item> items = ((State) state).items(); return items.get(0).name() + \",\" + items.get(1); }";
    assertThat(migrateAndUse(v1, v2)).isEqualTo("a,null");
  }

  /**
   * {@code count} dropped and {@code total} new with a {@code @Default}: the value went to the
   * default without a word. Now a warning at prepare, and in strict mode (on in these tests) a
   * refusal that says to declare {@code @Renamed}.
   */
  @Test
  void aComponentDroppedWhileAnotherAppearsIsRefusedInStrictMode() throws Exception {
    load("v1", "public record State(long count) {}");
    assertThatThrownBy(() -> load("v2", "public record State(@Default(\"0\") long total) {}"))
        .isInstanceOf(CodeException.class)
        .hasMessageContaining("drops [count] and gains [total]")
        .hasMessageContaining("declare @Renamed(\"old name\")");
  }

  /**
   * A static counter restarted at 0 after every load, and nothing said so. A class that declares
   * {@code static void codeChange(Class<?> previous)} carries its statics over.
   */
  @Test
  void staticsAreCarriedByTheStaticCodeChangeHook() throws Exception {
    String v1 = "static int hits;\nstatic Object sample() { hits = 5; return \"s\"; }";
    String v2 =
        """
        static int hits;
        static void codeChange(Class<?> previous) throws Exception {
          var field = previous.getDeclaredField("hits");
          field.setAccessible(true);
          hits = field.getInt(null) + 1;
        }
        static String use(Object state) { return state + ":" + hits; }
        """;
    assertThat(migrateAndUse(v1, v2)).isEqualTo("s:6");
  }

  /**
   * Without the hook, the counter would restart: in strict mode (the tests') the load is refused,
   * naming the class and the field, and the module stays on v1.
   */
  @Test
  void staticsThatWouldRestartRefuseTheLoadInStrictMode() throws Exception {
    String v1 = "static int hits;\nstatic Object sample() { hits = 5; return \"s\"; }";
    String v2 =
        "static int hits;\nstatic String use(Object state) { return state + \":\" + hits; }";
    Class<?> old = load("v1", v1);
    assertThatThrownBy(() -> load("v2", v2))
        .isInstanceOf(CodeException.class)
        .hasMessageContaining("cannot be loaded in strict mode")
        .hasMessageContaining(pkg + ".Types [hits]")
        .hasMessageContaining("static codeChange(Class<?> previous)");
    assertThat(CodeServer.currentClass(pkg + ".Types")).contains(old);
  }

  /**
   * A container of JDK values only is kept as it is after one pass over it (the fast path of a
   * large state under a quick swap); what that pass cannot see must still be mapped: one module
   * value among thousands of JDK values, a module comparator over JDK elements, an empty EnumSet or
   * EnumMap of a module enum (no element shows its type), a map of JDK keys (declared so in both
   * versions) with a module value in it.
   */
  @Test
  void containersOfJdkValuesAreKeptAndOneModuleValueAmongThemIsStillMapped() throws Exception {
    String common =
        """
        public enum Color { RED, GREEN }
        public record Tag(String name) {}
        public record ByLength() implements Comparator<String> {
          public int compare(String a, String b) { return Integer.compare(a.length(), b.length()); } }
        public record State(Map<String, Object> data, List<Object> plain, TreeSet<String> sorted,
            EnumSet<Color> colors, EnumMap<Color, String> names, Map<String, Object> untouched) {}
        """;
    String v1 =
        common
            + """
            static Object sample() {
              Map<String, Object> data = new HashMap<>();
              for (int i = 0; i < 5_000; i++) { data.put(Integer.toString(i), i); }
              data.put("tag", new Tag("t"));
              List<Object> plain = new ArrayList<>();
              for (int i = 0; i < 5_000; i++) { plain.add("s" + i); }
              plain.add(Color.GREEN);
              TreeSet<String> sorted = new TreeSet<>(new ByLength());
              sorted.addAll(List.of("ccc", "a", "bb"));
              Map<String, Object> untouched = new HashMap<>(Map.of("k", 1L, "j", "v"));
              return new State(data, plain, sorted, EnumSet.noneOf(Color.class),
                  new EnumMap<>(Color.class), untouched);
            }
            static Object untouched(Object state) { return ((State) state).untouched(); }
            """;
    String v2 =
        common
            + """
            static String use(Object state) {
              State s = (State) state;
              Tag tag = (Tag) s.data().get("tag");
              Color last = (Color) s.plain().get(s.plain().size() - 1);
              s.sorted().add("dddd");
              s.colors().add(Color.RED);
              s.names().put(Color.GREEN, "g");
              return tag.name() + ":" + last + ":" + s.data().size() + ":" + s.sorted() + ":"
                  + s.colors() + ":" + s.names() + ":" + s.sorted().comparator().getClass().getClassLoader().equals(Types.class.getClassLoader());
            }
            """;
    Class<?> old = load("v1", v1);
    Object state = call(old, "sample");
    Object untouched = call(old, "untouched", state);
    Class<?> current = load("v2", v2);
    Object migrated = Migration.migrate(state, current);
    assertThat(call(current, "use", migrated))
        .isEqualTo("t:GREEN:5001:[a, bb, ccc, dddd]:[RED]:{GREEN=g}:true");
    Object kept = migrated.getClass().getMethod("untouched").invoke(migrated);
    assertThat(kept).isSameAs(untouched);
  }

  /**
   * A declared {@code List<String>} proves what the elements are, not what the list is: a module's
   * own subclass of ArrayList under it was taken as proven and kept, an object of v1 in v2's state.
   * It is looked at, and refused with its path (a plain class of the module cannot be rebuilt).
   */
  @Test
  void aDeclaredCollectionOfJdkValuesIsNotProofOfTheCollectionsOwnClass() throws Exception {
    String body =
        """
        public static final class Names extends ArrayList<String> {}
        public record State(List<String> names, int count) {}
        static Object sample() { Names names = new Names(); names.add("a"); return new State(names, 1); }
        """;
    assertThatThrownBy(() -> migrateOnly(body, body))
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("state.names")
        .hasMessageContaining("Names");
  }

  /**
   * {@code List<List<Item>>} changed to {@code List<List<String>>}: the check looked one level
   * down, found lists where lists were declared, and let the Items through into a list of Strings.
   */
  @Test
  void aChangedTypeArgumentIsCheckedAtEveryDepth() throws Exception {
    String v1 =
        """
        public record Item(String name) {}
        public record State(List<List<Item>> groups) {}
        static Object sample() { return new State(List.of(List.of(new Item("a")))); }
        """;
    String v2 =
        """
        public record Item(String name) {}
        public record State(List<List<String>> groups) {}
        """;
    assertThatThrownBy(() -> migrateOnly(v1, v2))
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("state.groups")
        .hasMessageContaining("it holds a " + pkg + ".Types$Item at [0][0]");
  }

  /**
   * Found by a newcomer: {@code Box<String>} changed to {@code Box<Integer>}, a generic record of
   * the module. The check looked at the Box, not at what its {@code T} holds: the change reported
   * success and the server crashed on its next call ({@code String cannot be cast to Integer}).
   */
  @Test
  void theTypeArgumentsOfAGenericRecordAreChecked() throws Exception {
    String v1 =
        """
        public record Box<T>(T value) {}
        public record Ranked<T>(T who, int rank) {}
        public record State(Box<String> top, List<Ranked<String>> ladder) {}
        static Object sample() { return new State(new Box<>("alice"), List.of(new Ranked<>("bob", 1))); }
        """;
    String v2 =
        """
        public record Box<T>(T value) {}
        public record Ranked<T>(T who, int rank) {}
        public record State(Box<Integer> top, List<Ranked<String>> ladder) {}
        """;
    assertThatThrownBy(() -> migrateOnly(v1, v2))
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("state.top")
        .hasMessageContaining("it holds a java.lang.String at .value");
    String v3 =
        """
        public record Box<T>(T value) {}
        public record Ranked<T>(T who, int rank) {}
        public record State(Box<String> top, List<Ranked<Integer>> ladder) {}
        """;
    assertThatThrownBy(() -> migrateOnly(v1, v3))
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("state.ladder")
        .hasMessageContaining("it holds a java.lang.String at [0].who");
  }

  /**
   * A class object in state ({@code Class<? extends Item>} as a type token) came through as v1's
   * class, so {@code type.isInstance(item)} said false of every migrated item.
   */
  @Test
  void classObjectsInStateBecomeTheNewVersionsClasses() throws Exception {
    String body =
        """
        public record Item(String name) {}
        public record State(Class<?> type, Class<?> arrayType, Class<?> jdk, List<Item> items) {}
        """;
    String v1 =
        body
            + """
            static Object sample() {
              return new State(Item.class, Item[][].class, String.class, List.of(new Item("a")));
            }
            """;
    String v2 =
        body
            + """
            static String use(Object state) {
              State s = (State) state;
              return s.type().isInstance(s.items().get(0)) + " " + (s.arrayType() == Item[][].class)
                  + " " + (s.jdk() == String.class);
            }
            """;
    assertThat(migrateAndUse(v1, v2)).isEqualTo("true true true");
    String gone =
        "public record Other(String name) {}\n"
            + "public record State(Class<?> type, Class<?> arrayType, Class<?> jdk, List<Other> items) {}";
    assertThatThrownBy(() -> migrateOnly(v1, gone))
        .isInstanceOfSatisfying(
            MigrationException.class, e -> assertThat(e.path()).isEqualTo("state.type"))
        .hasMessageContaining("the class " + pkg + ".Types$Item of " + module + " v");
  }

  /**
   * A JDK exception whose cause was the module's own exception was kept as it was: {@code
   * getCause()} then returned an object of v1, and the class loader of v1 stayed reachable.
   */
  @Test
  void aJdkExceptionIsKeptUnlessItsCauseIsTheModules() throws Exception {
    String body =
        """
        public static final class Failure extends RuntimeException {
          public Failure(String m) { super(m); }
        }
        public record State(Object lastError) {}
        """;
    String plain =
        body
            + """
            static Object sample() {
              IllegalStateException e = new IllegalStateException("disk full", new java.io.IOException("ENOSPC"));
              e.addSuppressed(new RuntimeException("retry"));
              return new State(e);
            }
            """;
    String v2 =
        body
            + """
            static String use(Object state) {
              Throwable t = (Throwable) ((State) state).lastError();
              return t.getMessage() + " / " + t.getCause().getMessage() + " / " + t.getSuppressed()[0].getMessage();
            }
            """;
    assertThat(migrateAndUse(plain, v2)).isEqualTo("disk full / ENOSPC / retry");
    String wrapped =
        body
            + """
            static Object sample() {
              return new State(new IllegalStateException("wrapped", new Failure("boom")));
            }
            """;
    assertThatThrownBy(() -> migrateOnly(wrapped, body))
        .isInstanceOfSatisfying(
            MigrationException.class,
            e -> assertThat(e.path()).isEqualTo("state.lastError.getCause()"))
        .hasMessageContaining("Types$Failure (not a record or an enum)");
    String suppressed =
        body
            + """
            static Object sample() {
              RuntimeException e = new RuntimeException("outer");
              e.addSuppressed(new Failure("inner"));
              return new State(List.of(e));
            }
            """;
    assertThatThrownBy(() -> migrateOnly(suppressed, body))
        .isInstanceOfSatisfying(
            MigrationException.class,
            e -> assertThat(e.path()).isEqualTo("state.lastError[0].getSuppressed()[0]"));
  }

  /**
   * v2 changed {@code equals} so that two items v1 told apart are equal: the rebuilt set and map
   * silently kept one of each pair.
   */
  @Test
  void aSetOrMapThatWouldLoseEntriesUnderTheNewEqualsIsRefused() throws Exception {
    String v1 =
        """
        public record Item(String name, int version) {}
        public record State(Set<Item> items, Map<Item, String> owners) {}
        static Object sample() {
          Item a = new Item("a", 1), b = new Item("a", 2);
          return new State(new HashSet<>(List.of(a, b)), new HashMap<>(Map.of(a, "x", b, "y")));
        }
        """;
    String byName =
        """
        public record Item(String name, int version) {
          public boolean equals(Object o) { return o instanceof Item i && i.name.equals(name); }
          public int hashCode() { return name.hashCode(); }
        }
        public record State(Set<Item> items, Map<Item, String> owners) {}
        """;
    assertThatThrownBy(() -> migrateOnly(v1, byName))
        .isInstanceOfSatisfying(
            MigrationException.class, e -> assertThat(e.path()).isEqualTo("state.items"))
        .hasMessageContaining("the rebuilt java.util.HashSet holds 1 of its 2 elements");
    String sortedV1 =
        """
        public record Item(String name, int version) implements Comparable<Item> {
          public int compareTo(Item o) { return Integer.compare(version, o.version); }
        }
        public record State(TreeMap<Item, String> owners) {}
        static Object sample() {
          TreeMap<Item, String> m = new TreeMap<>(); m.put(new Item("a", 1), "x"); m.put(new Item("a", 2), "y");
          return new State(m);
        }
        """;
    String sortedByName =
        """
        public record Item(String name, int version) implements Comparable<Item> {
          public int compareTo(Item o) { return name.compareTo(o.name); }
        }
        public record State(TreeMap<Item, String> owners) {}
        """;
    assertThatThrownBy(() -> migrateOnly(sortedV1, sortedByName))
        .isInstanceOfSatisfying(
            MigrationException.class, e -> assertThat(e.path()).isEqualTo("state.owners"))
        .hasMessageContaining("holds 1 of its 2 keys");
  }

  /** Synchronized sorted and navigable views were refused as unknown containers. */
  @Test
  void synchronizedSortedViewsKeepTheirKindAndComparator() throws Exception {
    String body =
        """
        public record Item(String name) implements Comparable<Item> {
          public int compareTo(Item o) { return name.compareTo(o.name); }
        }
        public record State(SortedSet<Item> set, NavigableSet<Item> nav, SortedMap<String, Item> map,
            NavigableMap<String, Item> navMap) {}
        """;
    String v1 =
        body
            + """
            static Object sample() {
              TreeMap<String, Item> m = new TreeMap<>(Comparator.reverseOrder()); m.put("x", new Item("x")); m.put("y", new Item("y"));
              TreeMap<String, Item> n = new TreeMap<>(); n.put("k", new Item("k"));
              return new State(Collections.synchronizedSortedSet(new TreeSet<>(List.of(new Item("b"), new Item("a")))),
                  Collections.synchronizedNavigableSet(new TreeSet<>(List.of(new Item("c")))),
                  Collections.synchronizedSortedMap(m), Collections.synchronizedNavigableMap(n));
            }
            """;
    String v2 =
        body
            + """
            static String use(Object state) {
              State s = (State) state;
              s.set().add(new Item("0"));
              return s.set().getClass().getSimpleName() + " " + s.set().first().name() + s.set().last().name()
                  + " " + s.nav().getClass().getSimpleName() + " " + s.nav().pollFirst().name()
                  + " " + s.map().getClass().getSimpleName() + " " + s.map().get(s.map().firstKey()).name()
                  + " " + s.navMap().getClass().getSimpleName() + " " + s.navMap().firstEntry().getValue().name();
            }
            """;
    assertThat(migrateAndUse(v1, v2))
        .isEqualTo(
            "SynchronizedSortedSet 0b SynchronizedNavigableSet c SynchronizedSortedMap y"
                + " SynchronizedNavigableMap k");
  }

  /**
   * v2's compact constructor rejects a value v1 allowed: the exception came out of the switch with
   * no path. It is a refusal naming the record, its path and the constructor's message.
   */
  @Test
  void aConstructorThatRejectsTheMigratedValuesIsRefusedWithItsPath() throws Exception {
    String v1 =
        """
        public record Stock(String sku, int count) {}
        public record State(Stock single, List<Stock> stocks) {}
        static Object sample() { return new State(new Stock("a", 1), List.of(new Stock("b", 2), new Stock("c", -1))); }
        """;
    String v2 =
        """
        public record Stock(String sku, int count) {
          public Stock { if (count < 0) throw new IllegalArgumentException("count must not be negative"); }
        }
        public record State(Stock single, List<Stock> stocks) {}
        """;
    assertThatThrownBy(() -> migrateOnly(v1, v2))
        .isInstanceOfSatisfying(
            MigrationException.class, e -> assertThat(e.path()).isEqualTo("state.stocks[1]"))
        .hasMessageContaining("the constructor of " + pkg + ".Types$Stock refused")
        .hasMessageContaining("count must not be negative");
  }

  /**
   * Going back from the version that declared the renames: v1's {@code Basket} and {@code count}
   * were "gone" in the downgrade (the load refused count for want of a @Default, the values of Cart
   * had no class to go to). The old side's annotation now names the way back; and a later version
   * that keeps the annotation in place still matches by name.
   */
  @Test
  void renamesWorkBackwardsAndWhenLeftInPlace() throws Exception {
    String v1 =
        """
        public record Basket(List<String> lines, long count) {}
        public record State(Object cart) {}
        static Object sample() { return new State(new Basket(List.of("apple"), 41)); }
        static String use(Object state) {
          Basket b = (Basket) ((State) state).cart();
          return b.lines() + " " + b.count();
        }
        """;
    String v2 =
        """
        @Renamed("%s.Types$Basket") public record Cart(List<String> lines, @Renamed("count") long total) {}
        public record State(Object cart) {}
        static String use(Object state) {
          Cart c = (Cart) ((State) state).cart();
          return c.lines() + " " + c.total();
        }
        """
            .formatted(pkg);
    String v3 =
        """
        @Renamed("%s.Types$Basket")
        public record Cart(List<String> lines, @Renamed("count") long total, @Default("7") int extra) {}
        public record State(Object cart) {}
        static String use(Object state) {
          Cart c = (Cart) ((State) state).cart();
          return c.lines() + " " + c.total() + " " + c.extra();
        }
        """
            .formatted(pkg);
    Object atV1 = call(load("v1", v1), "sample");
    Class<?> second = load("v2", v2);
    Object atV2 = Migration.migrate(atV1, second);
    assertThat(call(second, "use", atV2)).isEqualTo("[apple] 41");
    Class<?> back = load("v1-again", v1);
    assertThat(call(back, "use", Migration.migrate(atV2, back))).isEqualTo("[apple] 41");
    Class<?> forward = load("v2-again", v2);
    Object again = Migration.migrate(Migration.migrate(atV2, back), forward);
    Class<?> third = load("v3", v3);
    assertThat(call(third, "use", Migration.migrate(again, third))).isEqualTo("[apple] 41 7");
  }
}
