package dev.molt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StateArbitrariesTest {
  enum Color {
    RED,
    GREEN,
    BLUE
  }

  record Item(String name, int count, Color color) {
    boolean isRed() {
      return color == Color.RED;
    }
  }

  record State(
      List<Item> items,
      Map<String, Item> byName,
      Optional<Item> current,
      Set<Color> colors,
      int[] counters,
      Item[] slots,
      long version,
      boolean active,
      double ratio,
      char initial,
      Deque<String> queue,
      SortedMap<String, Integer> ranks,
      SortedSet<Color> palette,
      List<List<Short>> matrix) {}

  record Values(
      String text,
      BigInteger big,
      BigDecimal money,
      UUID id,
      Instant at,
      Duration ttl,
      LocalDate day,
      Byte small,
      Float weight) {}

  sealed interface Tree permits Leaf, Node, Unary, Empty {}

  record Leaf(int value) implements Tree {}

  record Node(Tree left, Tree right) implements Tree {}

  record Unary(Tree child, Color color) implements Tree {}

  enum Empty implements Tree {
    EMPTY
  }

  record Forest(List<Tree> trees, Map<String, Tree> named) {}

  record Chain(int value, Optional<Chain> next) {}

  record Family(String name, List<Family> children) {}

  record Loop(int value, Loop next) {}

  record Level1(Level2 next) {}

  record Level2(Level3 next) {}

  record Level3(Level4 next) {}

  record Level4(Color color) {}

  sealed interface Expr permits Num, Add, Mul, Sub, Div, Neg, If {}

  record Num(long value) implements Expr {}

  record Add(Expr left, Expr right) implements Expr {}

  record Mul(Expr left, Expr right) implements Expr {}

  record Sub(Expr left, Expr right) implements Expr {}

  record Div(Expr left, Expr right) implements Expr {}

  record Neg(Expr operand) implements Expr {}

  record If(Expr condition, Expr then, Expr otherwise) implements Expr {}

  private record Secret(String code, int pin) {}

  record Wide(
      int a,
      long b,
      String c,
      boolean d,
      Color e,
      double f,
      List<Integer> g,
      Optional<String> h,
      char i,
      short j,
      byte k,
      float l) {}

  record Marker() {}

  record Box<T>(T value) {}

  record Boxes(Box<String> name, Box<List<Color>> colors, Box<Box<Integer>[]> nested) {}

  sealed interface Result<T> permits Ok, Err, Count {}

  record Ok<T>(T value) implements Result<T> {}

  record Err<T>(String message) implements Result<T> {}

  record Count(int count) implements Result<Integer> {}

  record Call(Result<Long> result, Result<Integer> counted) {}

  @Retention(RetentionPolicy.RUNTIME)
  @interface Nullable {}

  record Note(@Nullable String text, String author) {}

  record Port(int value) {
    Port {
      if (value < 0 || value > 65_535) {
        throw new IllegalArgumentException("not a port: " + value);
      }
    }
  }

  record Session(String id, Thread owner) {}

  record Sessions(Map<String, Session> sessions) {}

  record Anything(Object payload) {}

  interface Plugin {}

  record Plugins(List<Plugin> plugins) {}

  @SuppressWarnings("rawtypes")
  record Raw(List items) {}

  record Unknown(List<?> items) {}

  record Worker(String name, Thread thread) {}

  record Ranked(SortedSet<Item> items) {}

  private static <T> List<T> samples(Arbitrary<Object> arbitrary, Class<T> type, int count) {
    return arbitrary.sampleStream().limit(count).map(type::cast).toList();
  }

  private static int depth(Tree tree) {
    return switch (tree) {
      case Leaf leaf -> 1;
      case Empty empty -> 1;
      case Node node -> 1 + Math.max(depth(node.left()), depth(node.right()));
      case Unary unary -> 1 + depth(unary.child());
    };
  }

  private static Type componentType(Class<?> record, int index) {
    return record.getRecordComponents()[index].getGenericType();
  }

  @Test
  void nestedRecordsAreGeneratedWithEveryPart() {
    List<State> states = samples(StateArbitraries.of(State.class), State.class, 300);

    for (State state : states) {
      assertThat(state.items()).isInstanceOf(ArrayList.class).doesNotContainNull();
      assertThat(state.byName()).isInstanceOf(HashMap.class);
      assertThat(state.byName().values()).doesNotContainNull();
      assertThat(state.current()).isNotNull();
      assertThat(state.colors()).isInstanceOf(HashSet.class).doesNotContainNull();
      assertThat(state.counters()).isNotNull();
      assertThat(state.slots()).isInstanceOf(Item[].class).doesNotContainNull();
      assertThat(state.queue()).isInstanceOf(ArrayDeque.class);
      assertThat(state.ranks()).isInstanceOf(TreeMap.class);
      assertThat(state.palette()).isInstanceOf(TreeSet.class);
      assertThat(state.matrix()).allSatisfy(row -> assertThat(row).doesNotContainNull());
      for (Item item : state.items()) {
        assertThat(item.name()).isNotNull();
        assertThat(item.color()).isNotNull();
      }
    }
    assertThat(states).anyMatch(state -> state.current().isPresent());
    assertThat(states).anyMatch(state -> state.current().isEmpty());
    assertThat(states).anyMatch(state -> state.colors().size() > 1);
    assertThat(states).anyMatch(state -> state.counters().length > 0);
    assertThat(states).anyMatch(state -> state.byName().size() > 1);
    assertThat(states).anyMatch(State::active);
    assertThat(states).anyMatch(state -> !state.active());
    assertThat(states.stream().flatMap(state -> state.colors().stream()).distinct())
        .containsExactlyInAnyOrder(Color.values());
  }

  @Test
  void knownValueTypesCoverTheirRangeWithoutNulls() {
    List<Values> values = samples(StateArbitraries.of(Values.class), Values.class, 500);

    assertThat(values)
        .allSatisfy(
            value -> {
              assertThat(value).hasNoNullFieldsOrProperties();
              assertThat(value.text()).hasSizeLessThanOrEqualTo(16);
              assertThat(value.at())
                  .isBetween(
                      Instant.parse("1900-01-01T00:00:00Z"), Instant.parse("2200-01-01T00:00:00Z"));
              assertThat(value.day().getYear()).isBetween(1, 9999);
            });
    assertThat(values).anyMatch(value -> value.text().isEmpty());
    assertThat(values).anyMatch(value -> value.text().chars().anyMatch(c -> c > 127));
    assertThat(values).anyMatch(value -> value.money().scale() > 0);
    assertThat(values.stream().map(Values::id).distinct()).hasSizeGreaterThan(450);
  }

  @Test
  void generatedCollectionsAndArraysAreMutable() {
    List<State> states = samples(StateArbitraries.of(State.class), State.class, 50);
    Item item = new Item("added", 1, Color.RED);

    for (State state : states) {
      state.items().add(item);
      state.byName().put("added", item);
      state.colors().add(Color.GREEN);
      state.queue().addFirst("first");
      state.ranks().put("added", 1);
      state.palette().add(Color.BLUE);
      state.matrix().forEach(row -> row.add((short) 2));
      state.matrix().add(new ArrayList<>());
      if (state.slots().length > 0) {
        state.slots()[0] = item;
      }

      assertThat(state.items()).endsWith(item);
      assertThat(state.byName()).containsEntry("added", item);
      assertThat(state.colors()).contains(Color.GREEN);
      assertThat(state.queue().peekFirst()).isEqualTo("first");
      assertThat(state.ranks()).containsEntry("added", 1);
      assertThat(state.palette()).contains(Color.BLUE);
      assertThat(state.matrix().getLast()).isEmpty();
      assertThat(state.matrix().subList(0, state.matrix().size() - 1))
          .allSatisfy(row -> assertThat(row).endsWith((short) 2));
    }
  }

  @Test
  void collectionsCutAtTheDepthLimitAreEmptyAndNotShared() {
    List<Family> families =
        samples(StateArbitraries.defaults().maxDepth(1).arbitrary(Family.class), Family.class, 20);

    families.getFirst().children().add(new Family("added", new ArrayList<>()));

    assertThat(families.getFirst().children()).hasSize(1);
    assertThat(families.subList(1, families.size()))
        .allMatch(family -> family.children().isEmpty());
  }

  @Test
  void sealedTreesStayWithinMaxDepthAndReachEveryCase() {
    List<Tree> trees = samples(StateArbitraries.of(Tree.class), Tree.class, 1000);

    assertThat(trees).allMatch(tree -> depth(tree) <= 4);
    assertThat(trees).anyMatch(tree -> depth(tree) == 4);
    assertThat(trees.stream().map(Object::getClass).distinct())
        .containsExactlyInAnyOrder(Leaf.class, Node.class, Unary.class, Empty.class);
  }

  @Test
  void maxDepthLimitsRecursionInsideCollectionsAndOptionals() {
    StateArbitraries shallow = StateArbitraries.defaults().maxDepth(2);

    List<Forest> forests = samples(shallow.arbitrary(Forest.class), Forest.class, 300);
    List<Tree> trees =
        forests.stream()
            .flatMap(
                forest -> Stream.concat(forest.trees().stream(), forest.named().values().stream()))
            .toList();
    List<Chain> chains = samples(shallow.maxDepth(3).arbitrary(Chain.class), Chain.class, 300);

    assertThat(trees).allMatch(tree -> depth(tree) <= 2).anyMatch(tree -> depth(tree) == 2);
    assertThat(chains).allMatch(chain -> length(chain) <= 3).anyMatch(chain -> length(chain) == 3);
  }

  private static int length(Chain chain) {
    return 1 + chain.next().map(StateArbitrariesTest::length).orElse(0);
  }

  @Test
  void recursionWithoutAWayOutFailsWithItsPath() {
    assertThatThrownBy(() -> StateArbitraries.of(Loop.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot generate Loop: every value nests a recursive type")
        .hasMessageContaining("maxDepth (4)")
        .hasMessageContaining("as at Loop.next.next.next.next;");
  }

  @Test
  void maxDepthDoesNotLimitNestingOfDistinctTypes() {
    List<Level1> levels =
        samples(StateArbitraries.defaults().maxDepth(1).arbitrary(Level1.class), Level1.class, 20);

    assertThat(levels).allMatch(level -> level.next().next().next().color() != null);
  }

  @Test
  void deepWideRecursiveHierarchiesAreGeneratedQuickly() {
    List<Expr> expressions =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                samples(
                    StateArbitraries.defaults().maxDepth(8).arbitrary(Expr.class),
                    Expr.class,
                    100));

    assertThat(expressions).hasSize(100).doesNotContainNull();
  }

  @Test
  void recursiveTypesKeepTheEdgeCasesOfTheirOuterLevel() {
    assertThat(StateArbitraries.of(Tree.class).edgeCases())
        .extracting(edgeCase -> edgeCase.value().getClass().getSimpleName())
        .contains("Leaf", "Empty");
    assertThat(StateArbitraries.of(Forest.class).edgeCases()).isNotEmpty();
  }

  @Test
  void nonPublicNestedRecordsAreBuilt() {
    List<Secret> secrets = samples(StateArbitraries.of(Secret.class), Secret.class, 100);

    assertThat(secrets).allMatch(secret -> secret.code() != null);
    assertThat(secrets.stream().map(Secret::pin).distinct()).hasSizeGreaterThan(10);
  }

  @Test
  void recordsWithManyComponentsAndNoComponentsAreBuilt() {
    List<Wide> wides = samples(StateArbitraries.of(Wide.class), Wide.class, 200);
    List<Marker> markers = samples(StateArbitraries.of(Marker.class), Marker.class, 3);

    assertThat(wides).allSatisfy(wide -> assertThat(wide).hasNoNullFieldsOrProperties());
    assertThat(wides.stream().map(Wide::l).distinct()).hasSizeGreaterThan(10);
    assertThat(wides).anyMatch(wide -> wide.h().isPresent());
    assertThat(markers).hasSize(3).containsOnly(new Marker());
  }

  @Test
  void genericRecordsAndSealedTypesFollowTheirTypeArguments() {
    List<Boxes> boxes = samples(StateArbitraries.of(Boxes.class), Boxes.class, 100);
    List<Call> calls = samples(StateArbitraries.of(Call.class), Call.class, 300);

    assertThat(boxes)
        .allSatisfy(
            box -> {
              assertThat(box.name().value()).isInstanceOf(String.class);
              assertThat(box.colors().value()).isInstanceOf(ArrayList.class);
              assertThat(box.colors().value()).hasOnlyElementsOfType(Color.class);
              assertThat(box.nested().value()).isInstanceOf(Box[].class);
              assertThat(box.nested().value())
                  .allSatisfy(inner -> assertThat(inner.value()).isInstanceOf(Integer.class));
            });
    assertThat(calls)
        .allSatisfy(
            call -> {
              assertThat(call.result()).isNotInstanceOf(Count.class);
              if (call.result() instanceof Ok<Long> ok) {
                assertThat(ok.value()).isInstanceOf(Long.class);
              }
            });
    assertThat(calls.stream().map(call -> call.result().getClass().getSimpleName()).distinct())
        .containsExactlyInAnyOrder("Ok", "Err");
    assertThat(calls.stream().map(call -> call.counted().getClass().getSimpleName()).distinct())
        .containsExactlyInAnyOrder("Ok", "Err", "Count");
  }

  @Test
  void genericRootTypesAreGenerated() {
    Type itemsByName = componentType(State.class, 1);

    List<Object> maps =
        StateArbitraries.defaults().arbitrary(itemsByName).sampleStream().limit(100).toList();

    assertThat(maps)
        .allSatisfy(
            map -> {
              assertThat(map).isInstanceOf(HashMap.class);
              Map<?, ?> entries = (Map<?, ?>) map;
              assertThat(entries.keySet()).hasOnlyElementsOfType(String.class);
              assertThat(entries.values()).hasOnlyElementsOfType(Item.class);
            });
  }

  @Test
  void nullableComponentsAreSometimesNullAndOthersNever() {
    List<Note> notes = samples(StateArbitraries.of(Note.class), Note.class, 300);

    assertThat(notes).allMatch(note -> note.author() != null);
    assertThat(notes).anyMatch(note -> note.text() == null);
    assertThat(notes).anyMatch(note -> note.text() != null);
  }

  @Test
  void valuesTheConstructorRejectsAreSkipped() {
    List<Port> ports = samples(StateArbitraries.of(Port.class), Port.class, 200);

    assertThat(ports).allMatch(port -> port.value() >= 0 && port.value() <= 65_535);
  }

  @Test
  void overridesApplyToTheirExactTypeAtEveryLevel() {
    Item fixed = new Item("fixed", 7, Color.BLUE);
    StateArbitraries settings =
        StateArbitraries.defaults()
            .with(String.class, Arbitraries.of("a", "b"))
            .with(Integer.class, Arbitraries.integers().between(0, 3))
            .with(Item.class, Arbitraries.just(fixed));

    List<State> states = samples(settings.arbitrary(State.class), State.class, 200);

    assertThat(states)
        .allSatisfy(
            state -> {
              assertThat(state.items()).allMatch(fixed::equals);
              assertThat(state.slots()).allMatch(fixed::equals);
              state.current().ifPresent(current -> assertThat(current).isEqualTo(fixed));
              assertThat(state.byName())
                  .allSatisfy(
                      (key, value) -> {
                        assertThat(key).isIn("a", "b");
                        assertThat(value).isEqualTo(fixed);
                      });
              assertThat(state.queue()).allMatch(text -> text.equals("a") || text.equals("b"));
              assertThat(state.ranks().values()).allMatch(rank -> rank >= 0 && rank <= 3);
              assertThat(IntStream.of(state.counters()))
                  .allMatch(counter -> counter >= 0 && counter <= 3);
            });
    assertThat(states).anyMatch(state -> !state.items().isEmpty());
    assertThat(states).anyMatch(state -> state.counters().length > 0);
  }

  @Test
  void overridesMakeUnsupportedTypesGeneratable() {
    Thread thread = Thread.currentThread();

    List<Worker> workers =
        samples(
            StateArbitraries.defaults()
                .with(Thread.class, Arbitraries.just(thread))
                .arbitrary(Worker.class),
            Worker.class,
            20);

    assertThat(workers).allMatch(worker -> worker.thread() == thread);
  }

  @Test
  void maxSizeBoundsCollectionsMapsAndArrays() {
    List<State> states =
        samples(StateArbitraries.defaults().maxSize(2).arbitrary(State.class), State.class, 300);
    List<State> empty =
        samples(StateArbitraries.defaults().maxSize(0).arbitrary(State.class), State.class, 50);

    assertThat(states)
        .allSatisfy(
            state -> {
              assertThat(state.items()).hasSizeLessThanOrEqualTo(2);
              assertThat(state.byName()).hasSizeLessThanOrEqualTo(2);
              assertThat(state.colors()).hasSizeLessThanOrEqualTo(2);
              assertThat(state.counters()).hasSizeLessThanOrEqualTo(2);
              assertThat(state.slots()).hasSizeLessThanOrEqualTo(2);
              assertThat(state.queue()).hasSizeLessThanOrEqualTo(2);
              assertThat(state.matrix()).allMatch(row -> row.size() <= 2);
            });
    assertThat(states).anyMatch(state -> state.items().size() == 2);
    assertThat(states).anyMatch(state -> state.counters().length == 2);
    assertThat(empty)
        .allSatisfy(
            state -> {
              assertThat(state.items()).isEmpty();
              assertThat(state.byName()).isEmpty();
              assertThat(state.counters()).isEmpty();
            });
  }

  @Test
  void defaultSizeIsFiveAndSettingsAreCopies() {
    StateArbitraries defaults = StateArbitraries.defaults();
    defaults.maxSize(0);
    defaults.maxDepth(1);
    defaults.with(String.class, Arbitraries.just("x"));

    List<State> states = samples(defaults.arbitrary(State.class), State.class, 300);

    assertThat(states).allMatch(state -> state.items().size() <= 5);
    assertThat(states).anyMatch(state -> state.items().size() == 5);
    assertThat(states).anyMatch(state -> !state.queue().isEmpty() && !state.queue().contains("x"));
    assertThatThrownBy(() -> defaults.maxSize(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> defaults.maxDepth(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unsupportedComponentsFailWithTheirPath() {
    assertThatThrownBy(() -> StateArbitraries.of(Sessions.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot generate Sessions.sessions[value].owner: java.lang.Thread is not a record,"
                + " enum, sealed type, collection or known value type; give one with"
                + " StateArbitraries.defaults().with(java.lang.Thread.class, ...)");
    assertThatThrownBy(() -> StateArbitraries.of(Anything.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "cannot generate Anything.payload: java.lang.Object is not a record, enum, sealed type");
    assertThatThrownBy(() -> StateArbitraries.of(Plugins.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "cannot generate Plugins.plugins[element]: " + Plugin.class.getName() + " is not a")
        .hasMessageEndingWith("with(" + Plugin.class.getCanonicalName() + ".class, ...)");
    assertThatThrownBy(() -> StateArbitraries.of(Thread.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot generate Thread: java.lang.Thread is not a record");
  }

  @Test
  void untypedElementsAndTypeVariablesFailWithTheirPath() {
    assertThatThrownBy(() -> StateArbitraries.of(Raw.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot generate Raw.items: raw type java.util.List has no type");
    assertThatThrownBy(() -> StateArbitraries.of(Unknown.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot generate Unknown.items[element]: java.lang.Object is not");
    assertThatThrownBy(() -> StateArbitraries.of(Box.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot generate Box.value: type variable T has no type argument");
    assertThatThrownBy(() -> StateArbitraries.of(Ranked.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot generate Ranked.items[element]: a sorted collection needs")
        .hasMessageContaining(Item.class.getName());
  }

  @Test
  void classesOfAnotherClassLoaderAreGenerated() throws Exception {
    Class<?> loaded =
        new IsolatingLoader(LoadedState.class.getName()).loadClass(LoadedState.class.getName());

    List<Object> states = StateArbitraries.of(loaded).sampleStream().limit(50).toList();

    assertThat(loaded).isNotEqualTo(LoadedState.class);
    assertThat(states).allSatisfy(state -> assertThat(state).isInstanceOf(loaded));
    assertThat(states.stream().map(Object::toString).collect(Collectors.toSet()))
        .hasSizeGreaterThan(10);
  }

  /** Defines one class itself from the test classes' bytes, delegating every other class. */
  private static final class IsolatingLoader extends ClassLoader {
    private final String name;

    IsolatingLoader(String name) {
      super(StateArbitrariesTest.class.getClassLoader());
      this.name = name;
    }

    @Override
    protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
      if (!className.equals(name)) {
        return super.loadClass(className, resolve);
      }
      synchronized (getClassLoadingLock(className)) {
        Class<?> loaded = findLoadedClass(className);
        if (loaded != null) {
          return loaded;
        }
        try (InputStream in =
            getParent().getResourceAsStream(className.replace('.', '/') + ".class")) {
          byte[] bytes = in.readAllBytes();
          return defineClass(className, bytes, 0, bytes.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(className, e);
        }
      }
    }
  }

  @Provide
  Arbitrary<State> states() {
    return StateArbitraries.defaults().maxSize(3).arbitrary(State.class).map(State.class::cast);
  }

  @Property(tries = 200)
  void aMigrationCanRewriteEveryGeneratedState(@ForAll("states") State state) {
    int before = state.items().size();

    state.items().removeIf(item -> item.color() == Color.RED);
    state.items().replaceAll(item -> new Item(item.name().strip(), item.count(), item.color()));
    state.byName().values().removeIf(item -> item.color() == Color.RED);
    state.colors().remove(Color.RED);

    assertThat(state.items()).hasSizeLessThanOrEqualTo(before).noneMatch(Item::isRed);
    assertThat(state.byName().values()).noneMatch(Item::isRed);
    assertThat(state.colors()).doesNotContain(Color.RED);
  }

  @Provide
  Arbitrary<Tree> trees() {
    return StateArbitraries.defaults().maxDepth(3).arbitrary(Tree.class).map(Tree.class::cast);
  }

  @Property(tries = 300)
  void treesNeverExceedTheDepth(@ForAll("trees") Tree tree) {
    assertThat(depth(tree)).isBetween(1, 3);
  }
}

/** A state class that the test loads a second time, in a class loader of its own. */
record LoadedState(String name, List<Integer> values, Optional<Double> ratio) {}
