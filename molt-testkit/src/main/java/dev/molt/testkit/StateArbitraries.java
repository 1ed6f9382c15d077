package dev.molt.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.annotation.Annotation;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apiguardian.api.API;

/**
 * jqwik {@link Arbitrary} values of a server's state type, built from the type's structure, for
 * property-based tests of state migrations: generate a random v1 state, migrate it, check the
 * result.
 *
 * <p>Generates records (through their canonical constructor, which may be non-public), enums,
 * sealed interfaces and sealed abstract classes (any permitted subclass), primitives and their
 * boxes, {@code String}, {@code BigInteger}, {@code BigDecimal}, {@code UUID}, {@code Instant},
 * {@code Duration}, {@code LocalDate}, arrays, {@code Optional} and the {@code List}, {@code Set},
 * {@code Map}, {@code Collection}, {@code Queue}, {@code Deque} and sorted collection types (as
 * mutable {@code ArrayList}, {@code HashSet}, {@code HashMap}, {@code ArrayDeque}, {@code TreeSet}
 * or {@code TreeMap}), following generic type arguments. Values are never null, except record
 * components annotated with an annotation named {@code Nullable}, which sometimes are. Values a
 * record's constructor rejects by throwing a runtime exception are skipped.
 *
 * <p>A recursive type nests within itself at most {@link #maxDepth(int) maxDepth} times in a value:
 * at the limit, a sealed type picks only the cases that need no deeper nesting, and collections,
 * {@code Optional}s and {@code Nullable} components of such a type are empty or null.
 *
 * <p>Only reflection on the given {@code Class} or {@code Type} is used, so the state classes may
 * come from any class loader. Instances are immutable; the settings methods return copies.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class StateArbitraries {
  private static final int MAX_STRING_LENGTH = 16;
  private static final double NULL_PROBABILITY = 0.2;
  private static final Map<Class<?>, Arbitrary<?>> VALUES = values();
  private static final Map<Class<?>, Supplier<Collection<Object>>> COLLECTIONS = collections();
  private static final Map<Class<?>, Supplier<Map<Object, Object>>> MAPS = maps();

  private final Map<Class<?>, Arbitrary<?>> overrides;
  private final int maxSize;
  private final int maxDepth;

  private StateArbitraries(Map<Class<?>, Arbitrary<?>> overrides, int maxSize, int maxDepth) {
    this.overrides = Map.copyOf(overrides);
    this.maxSize = maxSize;
    this.maxDepth = maxDepth;
  }

  /**
   * Arbitrary values of {@code type}, from its structure, with the default settings.
   *
   * @throws IllegalArgumentException if some part of {@code type} cannot be generated
   */
  public static Arbitrary<Object> of(Class<?> type) {
    return defaults().arbitrary(type);
  }

  /** The default settings: no overrides, collections of at most 5 elements, depth 4. */
  public static StateArbitraries defaults() {
    return new StateArbitraries(Map.of(), 5, 4);
  }

  /**
   * These settings, with {@code values} used for every occurrence of exactly {@code type} (not its
   * subtypes), at any level, in preference to generating it from its structure. A primitive type
   * and its box share one override.
   */
  public StateArbitraries with(Class<?> type, Arbitrary<?> values) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(values, "values");
    var copy = new HashMap<>(overrides);
    copy.put(wrap(type), values);
    return new StateArbitraries(copy, maxSize, maxDepth);
  }

  /** These settings, with collections, maps and arrays of at most {@code elements} elements. */
  public StateArbitraries maxSize(int elements) {
    if (elements < 0) {
      throw new IllegalArgumentException("maxSize must be at least 0: " + elements);
    }
    return new StateArbitraries(overrides, elements, maxDepth);
  }

  /** These settings, with a recursive type nesting within itself at most {@code depth} times. */
  public StateArbitraries maxDepth(int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("maxDepth must be at least 1: " + depth);
    }
    return new StateArbitraries(overrides, maxSize, depth);
  }

  /**
   * Arbitrary values of {@code type}, from its structure.
   *
   * @throws IllegalArgumentException if some part of {@code type} cannot be generated
   */
  public Arbitrary<Object> arbitrary(Class<?> type) {
    return arbitrary((Type) type);
  }

  /**
   * Arbitrary values of a possibly generic {@code type}, such as {@code List<String>}, from its
   * structure.
   *
   * @throws IllegalArgumentException if some part of {@code type} cannot be generated
   */
  public Arbitrary<Object> arbitrary(Type type) {
    Objects.requireNonNull(type, "type");
    String root =
        switch (type) {
          case Class<?> c -> c.getSimpleName();
          case ParameterizedType p -> ((Class<?>) p.getRawType()).getSimpleName();
          default -> type.getTypeName();
        };
    Built built = new Generation().of(type, new Nesting(Map.of()), root);
    if (built.isCut()) {
      throw new IllegalArgumentException(
          "cannot generate "
              + root
              + ": every value nests a recursive type more than maxDepth ("
              + maxDepth
              + ") times, as at "
              + built.cutAt()
              + "; give it a case without recursion (a sealed alternative, an Optional, a"
              + " collection or a @Nullable component) or give one with"
              + " StateArbitraries.defaults().with(...)");
    }
    return built.values();
  }

  /** The arbitraries of one {@link #arbitrary(Type)} call, each type built once per nesting. */
  private final class Generation {
    private final Map<Key, Built> built = new HashMap<>();

    Built of(Type type, Nesting nesting, String path) {
      var key = new Key(type, nesting);
      Built done = built.get(key);
      if (done == null) {
        done = create(type, nesting, path);
        built.put(key, done);
      }
      return done;
    }

    private Built create(Type type, Nesting nesting, String path) {
      if (type instanceof WildcardType wildcard) {
        return of(bound(wildcard), nesting, path);
      }
      Class<?> raw = rawClass(type, path);
      Arbitrary<?> given = overrides.get(wrap(raw));
      if (given != null) {
        return Built.of(given);
      }
      Arbitrary<?> value = VALUES.get(wrap(raw));
      if (value != null) {
        return Built.of(value);
      }
      if (raw.isArray()) {
        Type component =
            type instanceof GenericArrayType array
                ? array.getGenericComponentType()
                : raw.getComponentType();
        return Built.of(array(raw.getComponentType(), component, nesting, path));
      }
      if (raw.isEnum()) {
        Object[] constants = raw.getEnumConstants();
        if (constants.length == 0) {
          throw cannot(path, raw.getName() + " is an enum without constants");
        }
        return Built.of(Arbitraries.of(constants));
      }
      if (raw == Optional.class) {
        Built element = of(typeArgument(type, 0, path), nesting, path + "[element]");
        return Built.of(
            element.isCut() ? Arbitraries.just(Optional.empty()) : element.values().optional(0.8));
      }
      if (COLLECTIONS.containsKey(raw)) {
        return Built.of(collection(raw, type, nesting, path));
      }
      if (MAPS.containsKey(raw)) {
        return Built.of(map(raw, type, nesting, path));
      }
      if (raw.isRecord()) {
        return record(raw, type, nesting, path);
      }
      if (raw.isSealed()) {
        return sealed(raw, type, nesting, path);
      }
      throw cannot(
          path,
          type.getTypeName()
              + " is not a record, enum, sealed type, collection or known value type; give one with"
              + " StateArbitraries.defaults().with("
              + className(raw)
              + ".class, ...)");
    }

    private Arbitrary<Object> array(
        Class<?> componentClass, Type component, Nesting nesting, String path) {
      Built element = of(component, nesting, path + "[element]");
      if (element.isCut()) {
        return Arbitraries.create(() -> Array.newInstance(componentClass, 0));
      }
      return element
          .values()
          .list()
          .ofMaxSize(maxSize)
          .map(
              list -> {
                Object array = Array.newInstance(componentClass, list.size());
                for (int i = 0; i < list.size(); i++) {
                  Array.set(array, i, list.get(i));
                }
                return array;
              });
    }

    private Arbitrary<Object> collection(Class<?> raw, Type type, Nesting nesting, String path) {
      Supplier<Collection<Object>> factory = COLLECTIONS.get(raw);
      Type elementType = typeArgument(type, 0, path);
      if (SortedSet.class.isAssignableFrom(raw)) {
        requireComparable(elementType, path + "[element]");
      }
      Built element = of(elementType, nesting, path + "[element]");
      if (element.isCut()) {
        return Arbitraries.create(factory::get);
      }
      return element
          .values()
          .list()
          .ofMaxSize(maxSize)
          .map(
              list -> {
                Collection<Object> collection = factory.get();
                collection.addAll(list);
                return collection;
              });
    }

    private Arbitrary<Object> map(Class<?> raw, Type type, Nesting nesting, String path) {
      Supplier<Map<Object, Object>> factory = MAPS.get(raw);
      Type keyType = typeArgument(type, 0, path);
      if (SortedMap.class.isAssignableFrom(raw)) {
        requireComparable(keyType, path + "[key]");
      }
      Built keys = of(keyType, nesting, path + "[key]");
      Built values = of(typeArgument(type, 1, path), nesting, path + "[value]");
      if (keys.isCut() || values.isCut()) {
        return Arbitraries.create(factory::get);
      }
      return Arbitraries.entries(keys.values(), values.values())
          .list()
          .ofMaxSize(maxSize)
          .map(
              entries -> {
                Map<Object, Object> map = factory.get();
                entries.forEach(entry -> map.put(entry.getKey(), entry.getValue()));
                return map;
              });
    }

    private Built record(Class<?> raw, Type type, Nesting nesting, String path) {
      if (nesting.count(raw) >= maxDepth) {
        return Built.cut(path);
      }
      Nesting inner = nesting.plus(raw);
      Map<TypeVariable<?>, Type> bindings = bindings(raw, type);
      RecordComponent[] components = raw.getRecordComponents();
      List<Arbitrary<Object>> parts = new ArrayList<>();
      String cutAt = null;
      for (RecordComponent component : components) {
        Type componentType = resolve(component.getGenericType(), bindings);
        Built part = of(componentType, inner, path + "." + component.getName());
        if (isNullable(component)) {
          parts.add(
              part.isCut() ? Arbitraries.just(null) : part.values().injectNull(NULL_PROBABILITY));
        } else if (part.isCut()) {
          cutAt = cutAt == null ? part.cutAt() : cutAt;
        } else {
          parts.add(part.values());
        }
      }
      if (cutAt != null) {
        return Built.cut(cutAt);
      }
      Constructor<?> constructor = canonicalConstructor(raw, components, path);
      Arbitrary<Object> values =
          parts.isEmpty()
              ? Arbitraries.create(() -> construct(constructor, List.of()))
              : Combinators.combine(parts).as(arguments -> construct(constructor, arguments));
      return recursion(raw, nesting, values.ignoreException(Rejected.class));
    }

    private Built sealed(Class<?> raw, Type type, Nesting nesting, String path) {
      if (nesting.count(raw) >= maxDepth) {
        return Built.cut(path);
      }
      Nesting inner = nesting.plus(raw);
      List<Arbitrary<Object>> cases = new ArrayList<>();
      String cutAt = null;
      for (Class<?> permitted : raw.getPermittedSubclasses()) {
        Type caseType = caseType(permitted, type);
        if (caseType == null) {
          continue;
        }
        Built built = of(caseType, inner, path);
        if (built.isCut()) {
          cutAt = cutAt == null ? built.cutAt() : cutAt;
        } else {
          cases.add(built.values());
        }
      }
      if (!cases.isEmpty()) {
        return recursion(raw, nesting, Arbitraries.oneOf(cases));
      }
      if (cutAt == null) {
        throw cannot(path, "no permitted subclass of " + raw.getName() + " is a " + type);
      }
      return Built.cut(cutAt);
    }
  }

  /**
   * {@code values}, lazy if {@code type} encloses them: jqwik then builds the generators of nested
   * levels only when it reaches them, instead of all levels of every case up front.
   */
  private static Built recursion(Class<?> type, Nesting nesting, Arbitrary<Object> values) {
    return Built.of(nesting.count(type) > 0 ? Arbitraries.lazy(() -> values) : values);
  }

  /** Values of one type, or none ({@code cutAt} names where) when they nest too deep. */
  private record Built(Arbitrary<Object> values, String cutAt) {
    static Built of(Arbitrary<?> values) {
      return new Built(values.asGeneric(), null);
    }

    static Built cut(String path) {
      return new Built(null, path);
    }

    boolean isCut() {
      return values == null;
    }
  }

  /** How many times each record and sealed type encloses the value being generated. */
  private record Nesting(Map<Class<?>, Integer> counts) {
    int count(Class<?> type) {
      return counts.getOrDefault(type, 0);
    }

    Nesting plus(Class<?> type) {
      var copy = new HashMap<>(counts);
      copy.merge(type, 1, Integer::sum);
      return new Nesting(Map.copyOf(copy));
    }
  }

  private record Key(Type type, Nesting nesting) {}

  /** A value the record's constructor refused; jqwik generates another. */
  private static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Rejected(Throwable cause) {
      super(cause);
    }
  }

  private static Object construct(Constructor<?> constructor, List<Object> arguments) {
    try {
      return constructor.newInstance(arguments.toArray());
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException refused) {
        throw new Rejected(refused);
      }
      throw new IllegalStateException(
          "constructing " + constructor.getDeclaringClass().getName() + " failed", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Constructor<?> canonicalConstructor(
      Class<?> record, RecordComponent[] components, String path) {
    Class<?>[] parameters =
        Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Constructor<?> constructor;
    try {
      constructor = record.getDeclaredConstructor(parameters);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(
          "record " + record.getName() + " has no canonical constructor", e);
    }
    if (!constructor.trySetAccessible()) {
      throw cannot(
          path,
          "the constructor of "
              + record.getName()
              + " is not accessible; open package "
              + record.getPackageName()
              + " to "
              + StateArbitraries.class.getModule());
    }
    return constructor;
  }

  private static boolean isNullable(RecordComponent component) {
    if (component.getType().isPrimitive()) {
      return false;
    }
    return Stream.of(
            component.getAnnotations(),
            component.getAnnotatedType().getAnnotations(),
            component.getAccessor().getAnnotations())
        .flatMap(Arrays::stream)
        .map(Annotation::annotationType)
        .anyMatch(annotation -> annotation.getSimpleName().equals("Nullable"));
  }

  private static void requireComparable(Type element, String path) {
    Type type = element instanceof WildcardType wildcard ? bound(wildcard) : element;
    Class<?> raw = rawClass(type, path);
    if (!Comparable.class.isAssignableFrom(wrap(raw))) {
      throw cannot(
          path,
          "a sorted collection needs Comparable elements, and "
              + raw.getName()
              + " is not Comparable");
    }
  }

  private static Type typeArgument(Type type, int index, String path) {
    if (type instanceof ParameterizedType parameterized) {
      return parameterized.getActualTypeArguments()[index];
    }
    throw cannot(
        path,
        "raw type "
            + type.getTypeName()
            + " has no type arguments; declare them, as in List<String>");
  }

  private static Class<?> rawClass(Type type, String path) {
    return switch (type) {
      case Class<?> c -> c;
      case ParameterizedType p -> (Class<?>) p.getRawType();
      case GenericArrayType a -> rawClass(a.getGenericComponentType(), path).arrayType();
      case TypeVariable<?> v ->
          throw cannot(
              path,
              "type variable "
                  + v.getName()
                  + " has no type argument; use the type with its arguments, as in Box<String>");
      default -> throw cannot(path, "unsupported type " + type.getTypeName());
    };
  }

  private static Type bound(WildcardType wildcard) {
    Type[] lower = wildcard.getLowerBounds();
    return lower.length > 0 ? lower[0] : wildcard.getUpperBounds()[0];
  }

  private static Map<TypeVariable<?>, Type> bindings(Class<?> raw, Type type) {
    if (!(type instanceof ParameterizedType parameterized)) {
      return Map.of();
    }
    TypeVariable<?>[] variables = raw.getTypeParameters();
    Type[] arguments = parameterized.getActualTypeArguments();
    Map<TypeVariable<?>, Type> bindings = new HashMap<>();
    for (int i = 0; i < variables.length; i++) {
      bindings.put(variables[i], arguments[i]);
    }
    return bindings;
  }

  private static Type resolve(Type type, Map<TypeVariable<?>, Type> bindings) {
    if (bindings.isEmpty()) {
      return type;
    }
    return switch (type) {
      case TypeVariable<?> v -> bindings.getOrDefault(v, v);
      case WildcardType w -> resolve(bound(w), bindings);
      case ParameterizedType p ->
          new Parameterized(
              (Class<?>) p.getRawType(),
              Arrays.stream(p.getActualTypeArguments())
                  .map(argument -> resolve(argument, bindings))
                  .toArray(Type[]::new));
      case GenericArrayType a -> {
        Type component = resolve(a.getGenericComponentType(), bindings);
        yield component instanceof Class<?> c ? c.arrayType() : new GenericArray(component);
      }
      default -> type;
    };
  }

  /**
   * {@code permitted} as a case of the sealed {@code type}, its type variables bound from {@code
   * type}'s arguments; null if its declared supertype's arguments rule it out.
   */
  private static Type caseType(Class<?> permitted, Type type) {
    if (!(type instanceof ParameterizedType sealed)) {
      return permitted;
    }
    ParameterizedType declared =
        Stream.concat(
                Stream.ofNullable(permitted.getGenericSuperclass()),
                Arrays.stream(permitted.getGenericInterfaces()))
            .filter(ParameterizedType.class::isInstance)
            .map(ParameterizedType.class::cast)
            .filter(supertype -> supertype.getRawType() == sealed.getRawType())
            .findFirst()
            .orElse(null);
    if (declared == null) {
      return permitted;
    }
    Type[] declaredArguments = declared.getActualTypeArguments();
    Type[] arguments = sealed.getActualTypeArguments();
    Map<TypeVariable<?>, Type> bindings = new HashMap<>();
    for (int i = 0; i < arguments.length; i++) {
      if (declaredArguments[i] instanceof TypeVariable<?> variable) {
        bindings.put(variable, arguments[i]);
      } else if (arguments[i] instanceof Class<?> && !arguments[i].equals(declaredArguments[i])) {
        return null;
      }
    }
    TypeVariable<?>[] variables = permitted.getTypeParameters();
    if (variables.length == 0) {
      return permitted;
    }
    return new Parameterized(
        permitted,
        Arrays.stream(variables).map(v -> bindings.getOrDefault(v, v)).toArray(Type[]::new));
  }

  private static final class Parameterized implements ParameterizedType {
    private final Class<?> raw;
    private final Type[] arguments;

    Parameterized(Class<?> raw, Type[] arguments) {
      this.raw = raw;
      this.arguments = arguments;
    }

    @Override
    public Type[] getActualTypeArguments() {
      return arguments.clone();
    }

    @Override
    public Type getRawType() {
      return raw;
    }

    @Override
    public Type getOwnerType() {
      return null;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Parameterized that
          && raw.equals(that.raw)
          && Arrays.equals(arguments, that.arguments);
    }

    @Override
    public int hashCode() {
      return raw.hashCode() * 31 + Arrays.hashCode(arguments);
    }

    @Override
    public String toString() {
      return Arrays.stream(arguments)
          .map(Type::getTypeName)
          .collect(Collectors.joining(", ", raw.getName() + "<", ">"));
    }
  }

  private record GenericArray(Type component) implements GenericArrayType {
    @Override
    public Type getGenericComponentType() {
      return component;
    }

    @Override
    public String toString() {
      return component.getTypeName() + "[]";
    }
  }

  private static IllegalArgumentException cannot(String path, String reason) {
    return new IllegalArgumentException("cannot generate " + path + ": " + reason);
  }

  private static String className(Class<?> type) {
    return Objects.requireNonNullElse(type.getCanonicalName(), type.getName());
  }

  private static Class<?> wrap(Class<?> type) {
    return MethodType.methodType(type).wrap().returnType();
  }

  private static Map<Class<?>, Arbitrary<?>> values() {
    LocalDate firstDay = LocalDate.of(1, 1, 1);
    LocalDate lastDay = LocalDate.of(9999, 12, 31);
    long firstSecond = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();
    long lastSecond = Instant.parse("2200-01-01T00:00:00Z").getEpochSecond();
    long century = Duration.ofDays(36_525).toSeconds();
    Arbitrary<Integer> nanos = Arbitraries.integers().between(0, 999_999_999);
    return Map.ofEntries(
        Map.entry(Boolean.class, Arbitraries.of(true, false)),
        Map.entry(Byte.class, Arbitraries.bytes()),
        Map.entry(Short.class, Arbitraries.shorts()),
        Map.entry(Character.class, Arbitraries.chars()),
        Map.entry(Integer.class, Arbitraries.integers()),
        Map.entry(Long.class, Arbitraries.longs()),
        Map.entry(Float.class, Arbitraries.floats()),
        Map.entry(Double.class, Arbitraries.doubles()),
        Map.entry(
            String.class,
            Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(MAX_STRING_LENGTH),
                Arbitraries.strings().all().ofMaxLength(MAX_STRING_LENGTH))),
        Map.entry(BigInteger.class, Arbitraries.bigIntegers()),
        Map.entry(
            BigDecimal.class,
            Combinators.combine(Arbitraries.bigIntegers(), Arbitraries.integers().between(0, 6))
                .as(BigDecimal::new)),
        Map.entry(
            UUID.class,
            Arbitraries.randomValue(random -> new UUID(random.nextLong(), random.nextLong()))),
        Map.entry(
            Instant.class,
            Combinators.combine(Arbitraries.longs().between(firstSecond, lastSecond), nanos)
                .as((seconds, nano) -> Instant.ofEpochSecond(seconds, nano))),
        Map.entry(
            Duration.class,
            Combinators.combine(Arbitraries.longs().between(-century, century), nanos)
                .as((seconds, nano) -> Duration.ofSeconds(seconds, nano))),
        Map.entry(
            LocalDate.class,
            Arbitraries.longs()
                .between(firstDay.toEpochDay(), lastDay.toEpochDay())
                .map(LocalDate::ofEpochDay)));
  }

  private static Map<Class<?>, Supplier<Collection<Object>>> collections() {
    Map<Class<?>, Supplier<Collection<Object>>> factories = new HashMap<>();
    for (Class<?> type : List.of(Collection.class, List.class, ArrayList.class)) {
      factories.put(type, ArrayList::new);
    }
    factories.put(LinkedList.class, LinkedList::new);
    for (Class<?> type : List.of(Set.class, HashSet.class)) {
      factories.put(type, HashSet::new);
    }
    factories.put(LinkedHashSet.class, LinkedHashSet::new);
    for (Class<?> type : List.of(SortedSet.class, NavigableSet.class, TreeSet.class)) {
      factories.put(type, TreeSet::new);
    }
    for (Class<?> type : List.of(Queue.class, Deque.class, ArrayDeque.class)) {
      factories.put(type, ArrayDeque::new);
    }
    return Map.copyOf(factories);
  }

  private static Map<Class<?>, Supplier<Map<Object, Object>>> maps() {
    Map<Class<?>, Supplier<Map<Object, Object>>> factories = new HashMap<>();
    for (Class<?> type : List.of(Map.class, HashMap.class)) {
      factories.put(type, HashMap::new);
    }
    factories.put(LinkedHashMap.class, LinkedHashMap::new);
    for (Class<?> type : List.of(SortedMap.class, NavigableMap.class, TreeMap.class)) {
      factories.put(type, TreeMap::new);
    }
    return Map.copyOf(factories);
  }
}
