package dev.molt.internal.migration;

import dev.molt.code.MigrationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Rebuilds a collection with new elements, keeping its kind and its mutability. */
final class Collections2 {
  private static final Class<?> UNMODIFIABLE_COLLECTION =
      Collections.unmodifiableCollection(List.of()).getClass();
  private static final Class<?> UNMODIFIABLE_LIST = unmodifiableSequentialList();
  private static final Class<?> UNMODIFIABLE_RANDOM_LIST =
      Collections.unmodifiableList(new ArrayList<>()).getClass();
  private static final Class<?> UNMODIFIABLE_SET =
      Collections.unmodifiableSet(new HashSet<>()).getClass();
  private static final Class<?> UNMODIFIABLE_MAP =
      Collections.unmodifiableMap(new HashMap<>()).getClass();
  private static final Class<?> ARRAYS_LIST = java.util.Arrays.asList().getClass();

  private Collections2() {}

  /** The class of an unmodifiable view of a list without random access: a {@code LinkedList}'s. */
  @SuppressWarnings("JdkObsolete") // the one JDK list without random access is what is wanted here
  private static Class<?> unmodifiableSequentialList() {
    return Collections.unmodifiableList(new LinkedList<>()).getClass();
  }

  static Collection<Object> rebuild(Collection<?> original, List<Object> elements, String path) {
    Class<?> type = original.getClass();
    if (type.getName().startsWith("java.util.ImmutableCollections$")) {
      return original instanceof List ? List.copyOf(elements) : Set.copyOf(elements);
    }
    if (type == UNMODIFIABLE_LIST
        || type == UNMODIFIABLE_RANDOM_LIST
        || type == UNMODIFIABLE_COLLECTION) {
      return Collections.unmodifiableList(new ArrayList<>(elements));
    }
    if (type == UNMODIFIABLE_SET) {
      return Collections.unmodifiableSet(new LinkedHashSet<>(elements));
    }
    if (type == ARRAYS_LIST) {
      return java.util.Arrays.asList(elements.toArray());
    }
    if (original instanceof SortedSet<?> sorted) {
      if (sorted.comparator() != null) {
        throw new MigrationException(
            path,
            "a sorted set with its own comparator cannot be rebuilt; handle it in codeChange");
      }
      return new TreeSet<>(elements);
    }
    @SuppressWarnings("unchecked")
    Collection<Object> copy = (Collection<Object>) newInstance(type, path);
    copy.addAll(elements);
    return copy;
  }

  static Map<Object, Object> rebuild(Map<?, ?> original, Map<Object, Object> entries, String path) {
    Class<?> type = original.getClass();
    if (type.getName().startsWith("java.util.ImmutableCollections$")) {
      return Map.copyOf(entries);
    }
    if (type == UNMODIFIABLE_MAP) {
      return Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
    if (original instanceof SortedMap<?, ?> sorted) {
      if (sorted.comparator() != null) {
        throw new MigrationException(
            path,
            "a sorted map with its own comparator cannot be rebuilt; handle it in codeChange");
      }
      return new TreeMap<>(entries);
    }
    @SuppressWarnings("unchecked")
    Map<Object, Object> copy = (Map<Object, Object>) newInstance(type, path);
    copy.putAll(entries);
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Object newInstance(Class<?> type, String path) {
    try {
      return type.getConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new MigrationException(
          path,
          "a "
              + type.getName()
              + " cannot be rebuilt (it has no public no-argument "
              + "constructor); handle it in codeChange");
    }
  }

  static boolean isKnownMutable(Class<?> type) {
    return type == ArrayList.class
        || type == HashMap.class
        || type == LinkedHashMap.class
        || type == HashSet.class
        || type == LinkedHashSet.class
        || type == LinkedList.class;
  }
}
