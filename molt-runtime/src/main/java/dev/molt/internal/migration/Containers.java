package dev.molt.internal.migration;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.Stack;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Vector;
import java.util.WeakHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The JDK's containers, as migration sees them: the parts of each (elements; keys and values; a
 * comparator), an empty copy of the same kind to fill (for a mutable one, so that a cycle through
 * it comes out as a cycle), and a rebuild from mapped parts that keeps its kind, its order (a
 * {@code LinkedHashMap}'s access order too), its comparator, its capacity and its mutability.
 *
 * <p>A container is rebuilt only when one of its parts changed: one that holds nothing of the
 * module is kept as it is, whatever its kind. A container of a kind not listed here that holds
 * something to map cannot be rebuilt faithfully and is refused.
 */
final class Containers {
  private Containers() {}

  /** A kind of container. */
  interface Kind {
    /** Its parts, in order: elements; or key, value, key, value...; a comparator comes last. */
    Object[] parts(Object container);

    /** An empty container of the same kind and configuration to fill later; null if immutable. */
    default Object empty(Object container, Object[] parts) {
      return null;
    }

    /** The container rebuilt from mapped parts: {@code empty} filled, or a new immutable one. */
    Object rebuild(Object container, Object empty, Object[] mapped);

    /**
     * How a part shows in a path: {@code [3]}, {@code {key}}, {@code .key(key)}, {@code .get()}.
     */
    default String label(Object[] parts, int index) {
      return "[" + index + "]";
    }

    /**
     * Whether every part is a value that migration passes as it is ({@code value} says which), so
     * that the container is kept without a frame: one pass over it, no copy. False when not known.
     */
    default boolean allValues(Object container, Predicate<Object> value) {
      return false;
    }

    /**
     * For a map whose keys are known to be JDK values: whether every value (and the comparator) is
     * one too. False when not known.
     */
    default boolean allMapValues(Object container, Predicate<Object> value) {
      return false;
    }

    /**
     * Whether what the container holds besides its elements (a sorted container's comparator, an
     * enum container's type) is a value that passes as it is: what a declared type such as {@code
     * Collection<String>} cannot prove.
     */
    default boolean extrasAreValues(Object container, Predicate<Object> value) {
      return true;
    }
  }

  private static final ClassValue<Kind> KINDS =
      new ClassValue<>() {
        @Override
        protected Kind computeValue(Class<?> type) {
          return kindOf(type);
        }
      };

  /** The kind of {@code value}, or null if it is not a container migration knows. */
  static Kind of(Object value) {
    return KINDS.get(value.getClass());
  }

  /** Whether instances of {@code type} may hold other objects that migration would have to see. */
  static boolean holds(Class<?> type) {
    return KINDS.get(type) != null;
  }

  // ---- the kinds -------------------------------------------------------------------------

  private static final Class<?> UNMODIFIABLE_COLLECTION =
      Collections.unmodifiableCollection(new ArrayList<>()).getClass();
  private static final Class<?> UNMODIFIABLE_RANDOM_LIST =
      Collections.unmodifiableList(new ArrayList<>()).getClass();
  private static final Class<?> UNMODIFIABLE_LIST = unmodifiableSequentialList();
  private static final Class<?> UNMODIFIABLE_SET =
      Collections.unmodifiableSet(new HashSet<>()).getClass();
  private static final Class<?> UNMODIFIABLE_SORTED_SET =
      Collections.unmodifiableSortedSet(new TreeSet<>()).getClass();
  private static final Class<?> UNMODIFIABLE_NAVIGABLE_SET =
      Collections.unmodifiableNavigableSet(new TreeSet<>()).getClass();
  private static final Class<?> UNMODIFIABLE_MAP =
      Collections.unmodifiableMap(new HashMap<>()).getClass();
  private static final Class<?> UNMODIFIABLE_SORTED_MAP =
      Collections.unmodifiableSortedMap(new TreeMap<>()).getClass();
  private static final Class<?> UNMODIFIABLE_NAVIGABLE_MAP =
      Collections.unmodifiableNavigableMap(new TreeMap<>()).getClass();
  private static final Class<?> SYNCHRONIZED_RANDOM_LIST =
      Collections.synchronizedList(new ArrayList<>()).getClass();
  private static final Class<?> SYNCHRONIZED_SET =
      Collections.synchronizedSet(new HashSet<>()).getClass();
  private static final Class<?> SYNCHRONIZED_MAP =
      Collections.synchronizedMap(new HashMap<>()).getClass();
  private static final Class<?> SYNCHRONIZED_SORTED_SET =
      Collections.synchronizedSortedSet(new TreeSet<>()).getClass();
  private static final Class<?> SYNCHRONIZED_NAVIGABLE_SET =
      Collections.synchronizedNavigableSet(new TreeSet<>()).getClass();
  private static final Class<?> SYNCHRONIZED_SORTED_MAP =
      Collections.synchronizedSortedMap(new TreeMap<>()).getClass();
  private static final Class<?> SYNCHRONIZED_NAVIGABLE_MAP =
      Collections.synchronizedNavigableMap(new TreeMap<>()).getClass();
  private static final Class<?> SYNCHRONIZED_COLLECTION =
      Collections.synchronizedCollection(new ArrayList<>()).getClass();
  private static final Class<?> ARRAYS_LIST = Arrays.asList().getClass();
  private static final Class<?> SINGLETON_LIST = Collections.singletonList(null).getClass();
  private static final Class<?> SINGLETON_SET = Collections.singleton(null).getClass();
  private static final Class<?> SINGLETON_MAP = Collections.singletonMap(null, null).getClass();
  private static final Class<?> EMPTY_LIST = Collections.emptyList().getClass();
  private static final Class<?> EMPTY_SET = Collections.emptySet().getClass();
  private static final Class<?> EMPTY_MAP = Collections.emptyMap().getClass();
  private static final Class<?> KEY_SET_VIEW = ConcurrentHashMap.newKeySet().getClass();
  private static final Class<?> MAP_ENTRY = Map.entry("", "").getClass();

  @SuppressWarnings("JdkObsolete") // the one JDK list without random access is what is wanted here
  private static Class<?> unmodifiableSequentialList() {
    return Collections.unmodifiableList(new LinkedList<>()).getClass();
  }

  private static Kind kindOf(Class<?> type) {
    if (type.getClassLoader() != null || type.isArray()) {
      return null; // not the JDK's; arrays are the engine's own case
    }
    if (type.getName().startsWith("java.util.ImmutableCollections$")) {
      return List.class.isAssignableFrom(type)
          ? IMMUTABLE_LIST
          : Set.class.isAssignableFrom(type)
              ? IMMUTABLE_SET
              : Map.class.isAssignableFrom(type) ? IMMUTABLE_MAP : null;
    }
    if (type == Optional.class) {
      return OPTIONAL;
    }
    if (type == AtomicReference.class) {
      return ATOMIC_REFERENCE;
    }
    if (type == AtomicReferenceArray.class) {
      return ATOMIC_REFERENCE_ARRAY;
    }
    if (type == MAP_ENTRY) {
      return MAP_ENTRY_KIND;
    }
    if (type == Class.class) {
      return CLASS; // mapped by the engine itself, to the class of the same name
    }
    if (Throwable.class.isAssignableFrom(type)) {
      return THROWABLE;
    }
    if (type == AbstractMap.SimpleImmutableEntry.class) {
      return IMMUTABLE_ENTRY;
    }
    if (type == AbstractMap.SimpleEntry.class) {
      return MUTABLE_ENTRY;
    }
    if (EnumSet.class.isAssignableFrom(type)) {
      return ENUM_SET;
    }
    if (type == EnumMap.class) {
      return ENUM_MAP;
    }
    if (type == LinkedHashMap.class) {
      return LINKED_HASH_MAP;
    }
    Kind fixed = FIXED.get(type);
    if (fixed != null) {
      return fixed;
    }
    if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
      return UNKNOWN;
    }
    return null;
  }

  /** Collections rebuilt by a factory of an empty one of the same kind, then filled. */
  private static Kind collection(Supplier<Collection<Object>> empty) {
    return new CollectionKind() {
      @Override
      public Object empty(Object container, Object[] parts) {
        return empty.get();
      }
    };
  }

  /** Maps rebuilt by a factory of an empty one of the same kind, then filled. */
  private static Kind map(Supplier<Map<Object, Object>> empty) {
    return new MapKind() {
      @Override
      public Object empty(Object container, Object[] parts) {
        return empty.get();
      }
    };
  }

  private static final Map<Class<?>, Kind> FIXED = fixedKinds();

  @SuppressWarnings({"JdkObsolete", "unchecked"}) // every JDK collection is here, the old ones too
  private static Map<Class<?>, Kind> fixedKinds() {
    Map<Class<?>, Kind> kinds = new HashMap<>();
    kinds.put(
        ArrayList.class,
        new CollectionKind() {
          @Override
          public Object empty(Object container, Object[] parts) {
            return new ArrayList<>(parts.length);
          }

          @Override
          @SuppressWarnings("unchecked")
          public Object rebuild(Object container, Object empty, Object[] mapped) {
            // the mapped parts are a fresh array of the elements: one copy into the new list
            return empty == null
                ? new ArrayList<>(Arrays.asList(mapped))
                : super.rebuild(container, empty, mapped);
          }
        });
    kinds.put(LinkedList.class, collection(LinkedList::new));
    kinds.put(Vector.class, collection(Vector::new));
    kinds.put(Stack.class, collection(Stack::new));
    kinds.put(ArrayDeque.class, collection(ArrayDeque::new));
    kinds.put(HashSet.class, collection(HashSet::new));
    kinds.put(LinkedHashSet.class, collection(LinkedHashSet::new));
    kinds.put(CopyOnWriteArrayList.class, collection(CopyOnWriteArrayList::new));
    kinds.put(CopyOnWriteArraySet.class, collection(CopyOnWriteArraySet::new));
    kinds.put(ConcurrentLinkedQueue.class, collection(ConcurrentLinkedQueue::new));
    kinds.put(ConcurrentLinkedDeque.class, collection(ConcurrentLinkedDeque::new));
    kinds.put(LinkedTransferQueue.class, collection(LinkedTransferQueue::new));
    kinds.put(KEY_SET_VIEW, collection(ConcurrentHashMap::newKeySet));
    kinds.put(DelayQueue.class, new DelayKind());
    kinds.put(LinkedBlockingQueue.class, new BoundedKind(LinkedBlockingQueue::new));
    kinds.put(LinkedBlockingDeque.class, new BoundedKind(LinkedBlockingDeque::new));
    kinds.put(ArrayBlockingQueue.class, new BoundedKind(ArrayBlockingQueue::new));
    kinds.put(
        PriorityQueue.class,
        new SortedCollectionKind(c -> new PriorityQueue<>(11, c)) {
          @Override
          Comparator<?> comparator(Object container) {
            return ((PriorityQueue<?>) container).comparator();
          }
        });
    kinds.put(
        PriorityBlockingQueue.class,
        new SortedCollectionKind(c -> new PriorityBlockingQueue<>(11, c)) {
          @Override
          Comparator<?> comparator(Object container) {
            return ((PriorityBlockingQueue<?>) container).comparator();
          }
        });
    kinds.put(TreeSet.class, new SortedCollectionKind(TreeSet::new));
    kinds.put(ConcurrentSkipListSet.class, new SortedCollectionKind(ConcurrentSkipListSet::new));
    kinds.put(HashMap.class, map(HashMap::new));
    kinds.put(Hashtable.class, map(Hashtable::new));
    kinds.put(ConcurrentHashMap.class, map(ConcurrentHashMap::new));
    kinds.put(IdentityHashMap.class, map(IdentityHashMap::new));
    kinds.put(TreeMap.class, new SortedMapKind(TreeMap::new));
    kinds.put(ConcurrentSkipListMap.class, new SortedMapKind(ConcurrentSkipListMap::new));
    kinds.put(WeakHashMap.class, REFUSED_WEAK);
    kinds.put(
        UNMODIFIABLE_COLLECTION, new ViewKind(ArrayList::new, Collections::unmodifiableCollection));
    kinds.put(
        UNMODIFIABLE_RANDOM_LIST,
        new ViewKind(ArrayList::new, c -> Collections.unmodifiableList((List<Object>) c)));
    kinds.put(
        UNMODIFIABLE_LIST,
        new ViewKind(LinkedList::new, c -> Collections.unmodifiableList((List<Object>) c)));
    kinds.put(
        UNMODIFIABLE_SET,
        new ViewKind(LinkedHashSet::new, c -> Collections.unmodifiableSet((Set<Object>) c)));
    kinds.put(
        UNMODIFIABLE_SORTED_SET,
        new SortedViewKind(c -> Collections.unmodifiableSortedSet((SortedSet<Object>) c)));
    kinds.put(
        UNMODIFIABLE_NAVIGABLE_SET,
        new SortedViewKind(c -> Collections.unmodifiableNavigableSet((NavigableSet<Object>) c)));
    kinds.put(
        SYNCHRONIZED_RANDOM_LIST,
        new ViewKind(ArrayList::new, c -> Collections.synchronizedList((List<Object>) c)));
    kinds.put(
        SYNCHRONIZED_SET,
        new ViewKind(LinkedHashSet::new, c -> Collections.synchronizedSet((Set<Object>) c)));
    kinds.put(
        SYNCHRONIZED_COLLECTION, new ViewKind(ArrayList::new, Collections::synchronizedCollection));
    kinds.put(
        SYNCHRONIZED_SORTED_SET,
        new SortedViewKind(c -> Collections.synchronizedSortedSet((SortedSet<Object>) c)));
    kinds.put(
        SYNCHRONIZED_NAVIGABLE_SET,
        new SortedViewKind(c -> Collections.synchronizedNavigableSet((NavigableSet<Object>) c)));
    kinds.put(
        SYNCHRONIZED_SORTED_MAP, new SortedMapViewKind(m -> Collections.synchronizedSortedMap(m)));
    kinds.put(
        SYNCHRONIZED_NAVIGABLE_MAP,
        new SortedMapViewKind(m -> Collections.synchronizedNavigableMap(m)));
    kinds.put(UNMODIFIABLE_MAP, new MapViewKind(m -> Collections.unmodifiableMap(m)));
    kinds.put(SYNCHRONIZED_MAP, new MapViewKind(m -> Collections.synchronizedMap(m)));
    kinds.put(
        UNMODIFIABLE_SORTED_MAP, new SortedMapViewKind(m -> Collections.unmodifiableSortedMap(m)));
    kinds.put(
        UNMODIFIABLE_NAVIGABLE_MAP,
        new SortedMapViewKind(m -> Collections.unmodifiableNavigableMap(m)));
    kinds.put(ARRAYS_LIST, new ImmutableCollectionKind(parts -> Arrays.asList(parts.clone())));
    kinds.put(
        SINGLETON_LIST, new ImmutableCollectionKind(parts -> Collections.singletonList(parts[0])));
    kinds.put(SINGLETON_SET, new ImmutableCollectionKind(parts -> Collections.singleton(parts[0])));
    kinds.put(EMPTY_LIST, new ImmutableCollectionKind(parts -> Collections.emptyList()));
    kinds.put(EMPTY_SET, new ImmutableCollectionKind(parts -> Collections.emptySet()));
    kinds.put(EMPTY_MAP, new ImmutableMapKind(parts -> Collections.emptyMap()));
    kinds.put(
        SINGLETON_MAP, new ImmutableMapKind(parts -> Collections.singletonMap(parts[0], parts[1])));
    return kinds;
  }

  // ---- collections -----------------------------------------------------------------------

  private abstract static class CollectionKind implements Kind {
    @Override
    public Object[] parts(Object container) {
      return ((Collection<?>) container).toArray();
    }

    @Override
    public boolean allValues(Object container, Predicate<Object> value) {
      for (Object element : (Collection<?>) container) {
        if (!value.test(element)) {
          return false;
        }
      }
      return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      Collection<Object> filled =
          (Collection<Object>) (empty != null ? empty : empty(container, mapped));
      filled.addAll(Arrays.asList(mapped));
      return filled;
    }
  }

  /** Immutable collections made from their mapped elements in one go. */
  private static final class ImmutableCollectionKind extends CollectionKind {
    private final java.util.function.Function<Object[], Object> make;

    ImmutableCollectionKind(java.util.function.Function<Object[], Object> make) {
      this.make = make;
    }

    @Override
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      return make.apply(mapped);
    }
  }

  /**
   * {@code List.of}, {@code Stream.toList()} (which allows nulls) and the like: the same immutable
   * kind.
   */
  private static final Kind IMMUTABLE_LIST =
      new ImmutableCollectionKind(parts -> Stream.of(parts).toList());

  private static final Kind IMMUTABLE_SET = new ImmutableCollectionKind(Set::of);

  /** Queues with a capacity: the same capacity. */
  private static final class BoundedKind extends CollectionKind {
    private final java.util.function.IntFunction<Collection<Object>> make;

    BoundedKind(java.util.function.IntFunction<Collection<Object>> make) {
      this.make = make;
    }

    @Override
    public Object empty(Object container, Object[] parts) {
      BlockingQueue<?> queue = (BlockingQueue<?>) container;
      long capacity = (long) queue.remainingCapacity() + queue.size();
      return make.apply((int) Math.min(Integer.MAX_VALUE, capacity));
    }
  }

  /** A delay queue: its elements must still be {@link Delayed} once mapped. */
  private static final class DelayKind extends CollectionKind {
    @Override
    public Object empty(Object container, Object[] parts) {
      return new DelayQueue<Delayed>();
    }
  }

  /**
   * Sorted collections and priority queues: the comparator is their last part, mapped like any
   * other value (null and the JDK's natural and reverse orders pass; a comparator of the module
   * must map, a lambda cannot).
   */
  private static class SortedCollectionKind extends CollectionKind {
    private final java.util.function.Function<Comparator<Object>, Collection<Object>> make;

    SortedCollectionKind(java.util.function.Function<Comparator<Object>, Collection<Object>> make) {
      this.make = make;
    }

    Comparator<?> comparator(Object container) {
      return ((SortedSet<?>) container).comparator();
    }

    @Override
    public boolean allValues(Object container, Predicate<Object> value) {
      return value.test(comparator(container)) && super.allValues(container, value);
    }

    @Override
    public boolean extrasAreValues(Object container, Predicate<Object> value) {
      return value.test(comparator(container));
    }

    @Override
    public Object[] parts(Object container) {
      Object[] elements = ((Collection<?>) container).toArray();
      Object[] parts = Arrays.copyOf(elements, elements.length + 1);
      parts[elements.length] = comparator(container);
      return parts;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object empty(Object container, Object[] parts) {
      return make.apply((Comparator<Object>) parts[parts.length - 1]);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      Collection<Object> filled =
          (Collection<Object>) (empty != null ? empty : empty(container, mapped));
      if (empty != null && mapped[mapped.length - 1] != comparator(container)) {
        throw new Refusal(
            "a cycle through a sorted collection whose comparator is module code cannot be rebuilt; handle it in codeChange");
      }
      filled.addAll(Arrays.asList(mapped).subList(0, mapped.length - 1));
      return filled;
    }

    @Override
    public String label(Object[] parts, int index) {
      return index == parts.length - 1 ? ".comparator()" : "[" + index + "]";
    }
  }

  /** Unmodifiable and synchronized views: a view of the same kind over a new backing collection. */
  private static class ViewKind extends CollectionKind {
    private final Supplier<Collection<Object>> backing;
    private final java.util.function.Function<Collection<Object>, Collection<Object>> wrap;

    ViewKind(
        Supplier<Collection<Object>> backing,
        java.util.function.Function<Collection<Object>, Collection<Object>> wrap) {
      this.backing = backing;
      this.wrap = wrap;
    }

    @Override
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      Collection<Object> copy = backing.get();
      copy.addAll(Arrays.asList(mapped));
      return wrap.apply(copy);
    }
  }

  private static final class SortedViewKind extends SortedCollectionKind {
    private final java.util.function.Function<Collection<Object>, Collection<Object>> wrap;

    SortedViewKind(java.util.function.Function<Collection<Object>, Collection<Object>> wrap) {
      super(TreeSet::new);
      this.wrap = wrap;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      TreeSet<Object> copy = new TreeSet<>((Comparator<Object>) mapped[mapped.length - 1]);
      copy.addAll(Arrays.asList(mapped).subList(0, mapped.length - 1));
      return wrap.apply(copy);
    }
  }

  /**
   * An enum set: a set of the new enum type, known from an element or, if empty, its complement.
   */
  private static final Kind ENUM_SET =
      new CollectionKind() {
        @Override
        public Object[] parts(Object container) {
          EnumSet<?> set = (EnumSet<?>) container;
          Object[] elements = set.toArray();
          Object[] parts = Arrays.copyOf(elements, elements.length + 1);
          // the last part is a constant of the enum type, so that the type maps even when the set
          // is empty
          parts[elements.length] = elements.length > 0 ? elements[0] : anyConstant(set);
          return parts;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Object rebuild(Object container, Object empty, Object[] mapped) {
          Object type = mapped[mapped.length - 1];
          if (type == null) {
            return EnumSet.copyOf((EnumSet) container); // an enum with no constants: nothing to map
          }
          EnumSet set = EnumSet.noneOf(((Enum<?>) type).getDeclaringClass());
          set.addAll(Arrays.asList(mapped).subList(0, mapped.length - 1));
          return set;
        }

        @Override
        public String label(Object[] parts, int index) {
          return index == parts.length - 1 ? ".elementType()" : "[" + index + "]";
        }

        @Override
        public boolean allValues(Object container, Predicate<Object> value) {
          return false; // its element type may be the module's, even when it is empty
        }

        @Override
        public boolean extrasAreValues(Object container, Predicate<Object> value) {
          return false;
        }
      };

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object anyConstant(EnumSet<?> empty) {
    EnumSet all = EnumSet.complementOf((EnumSet) empty);
    return all.isEmpty() ? null : all.iterator().next();
  }

  // ---- maps ------------------------------------------------------------------------------

  private abstract static class MapKind implements Kind {
    @Override
    public boolean allValues(Object container, Predicate<Object> value) {
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) container).entrySet()) {
        if (!value.test(entry.getKey()) || !value.test(entry.getValue())) {
          return false;
        }
      }
      return true;
    }

    @Override
    public boolean allMapValues(Object container, Predicate<Object> value) {
      for (Object v : ((Map<?, ?>) container).values()) {
        if (!value.test(v)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Object[] parts(Object container) {
      Map<?, ?> map = (Map<?, ?>) container;
      Object[] parts = new Object[map.size() * 2];
      int i = 0;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (i == parts.length) {
          break; // a concurrent map that grew while read: the suspended owner is the only writer
        }
        parts[i++] = entry.getKey();
        parts[i++] = entry.getValue();
      }
      return i == parts.length ? parts : Arrays.copyOf(parts, i);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      Map<Object, Object> filled =
          (Map<Object, Object>) (empty != null ? empty : empty(container, mapped));
      for (int i = 0; i + 1 < mapped.length; i += 2) {
        filled.put(mapped[i], mapped[i + 1]);
      }
      return filled;
    }

    @Override
    public String label(Object[] parts, int index) {
      Object key = parts[index - index % 2];
      return index % 2 == 0 ? ".key(" + key + ")" : "{" + key + "}";
    }
  }

  private static final class ImmutableMapKind extends MapKind {
    private final java.util.function.Function<Object[], Object> make;

    ImmutableMapKind(java.util.function.Function<Object[], Object> make) {
      this.make = make;
    }

    @Override
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      return make.apply(mapped);
    }
  }

  private static final Kind IMMUTABLE_MAP =
      new ImmutableMapKind(
          parts -> {
            Map<Object, Object> entries = new LinkedHashMap<>();
            for (int i = 0; i + 1 < parts.length; i += 2) {
              entries.put(parts[i], parts[i + 1]);
            }
            return Map.copyOf(entries);
          });

  /**
   * A linked hash map, in insertion or in access order (an LRU). The order is private to the map,
   * so it is read off a copy: a copy made by {@code clone} keeps it, and a lookup in the copy moves
   * the entry looked up to the end only in access order.
   */
  private static final Kind LINKED_HASH_MAP =
      new MapKind() {
        @Override
        @SuppressWarnings("unchecked")
        public Object empty(Object container, Object[] parts) {
          LinkedHashMap<Object, Object> probe =
              (LinkedHashMap<Object, Object>) ((LinkedHashMap<?, ?>) container).clone();
          probe.clear();
          Object first = new Object();
          Object second = new Object();
          probe.put(first, first);
          probe.put(second, second);
          probe.get(first);
          boolean accessOrder = probe.lastEntry().getKey() == first;
          return new LinkedHashMap<>(16, 0.75f, accessOrder);
        }
      };

  private static class SortedMapKind extends MapKind {
    private final java.util.function.Function<Comparator<Object>, Map<Object, Object>> make;

    SortedMapKind(java.util.function.Function<Comparator<Object>, Map<Object, Object>> make) {
      this.make = make;
    }

    @Override
    public Object[] parts(Object container) {
      Object[] entries = super.parts(container);
      Object[] parts = Arrays.copyOf(entries, entries.length + 1);
      parts[entries.length] = ((SortedMap<?, ?>) container).comparator();
      return parts;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object empty(Object container, Object[] parts) {
      return make.apply((Comparator<Object>) parts[parts.length - 1]);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      Map<Object, Object> filled =
          (Map<Object, Object>) (empty != null ? empty : empty(container, mapped));
      if (empty != null
          && mapped[mapped.length - 1] != ((SortedMap<?, ?>) container).comparator()) {
        throw new Refusal(
            "a cycle through a sorted map whose comparator is module code cannot be rebuilt; handle it in codeChange");
      }
      for (int i = 0; i + 1 < mapped.length - 1; i += 2) {
        filled.put(mapped[i], mapped[i + 1]);
      }
      return filled;
    }

    @Override
    public String label(Object[] parts, int index) {
      return index == parts.length - 1 ? ".comparator()" : super.label(parts, index);
    }

    @Override
    public boolean allValues(Object container, Predicate<Object> value) {
      return value.test(((SortedMap<?, ?>) container).comparator())
          && super.allValues(container, value);
    }

    @Override
    public boolean allMapValues(Object container, Predicate<Object> value) {
      return value.test(((SortedMap<?, ?>) container).comparator())
          && super.allMapValues(container, value);
    }

    @Override
    public boolean extrasAreValues(Object container, Predicate<Object> value) {
      return value.test(((SortedMap<?, ?>) container).comparator());
    }
  }

  private static class MapViewKind extends MapKind {
    private final java.util.function.Function<Map<Object, Object>, Map<Object, Object>> wrap;

    MapViewKind(java.util.function.Function<Map<Object, Object>, Map<Object, Object>> wrap) {
      this.wrap = wrap;
    }

    @Override
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (int i = 0; i + 1 < mapped.length; i += 2) {
        copy.put(mapped[i], mapped[i + 1]);
      }
      return wrap.apply(copy);
    }
  }

  private static final class SortedMapViewKind extends SortedMapKind {
    private final java.util.function.Function<NavigableMap<Object, Object>, Map<Object, Object>>
        wrap;

    SortedMapViewKind(
        java.util.function.Function<NavigableMap<Object, Object>, Map<Object, Object>> wrap) {
      super(TreeMap::new);
      this.wrap = wrap;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      TreeMap<Object, Object> copy = new TreeMap<>((Comparator<Object>) mapped[mapped.length - 1]);
      for (int i = 0; i + 1 < mapped.length - 1; i += 2) {
        copy.put(mapped[i], mapped[i + 1]);
      }
      return wrap.apply(copy);
    }
  }

  /**
   * An enum map: a map of the new enum type. Its last part is a constant of its key type, so that
   * the type maps even when the map is empty (and the map is rebuilt when only the type changed).
   */
  private static final Kind ENUM_MAP =
      new MapKind() {
        @Override
        public Object[] parts(Object container) {
          Object[] entries = super.parts(container);
          Object[] parts = Arrays.copyOf(entries, entries.length + 1);
          Class<?> keyType = keyType((EnumMap<?, ?>) container, entries);
          Object[] constants = keyType == null ? null : keyType.getEnumConstants();
          parts[entries.length] = constants == null || constants.length == 0 ? null : constants[0];
          return parts;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Object rebuild(Object container, Object empty, Object[] mapped) {
          Object type = mapped[mapped.length - 1];
          if (type == null) {
            return new EnumMap((EnumMap) container); // an enum with no constants: nothing to map
          }
          EnumMap map = new EnumMap(((Enum<?>) type).getDeclaringClass());
          for (int i = 0; i + 1 < mapped.length - 1; i += 2) {
            map.put(mapped[i], mapped[i + 1]);
          }
          return map;
        }

        @Override
        public String label(Object[] parts, int index) {
          return index == parts.length - 1 ? ".keyType()" : super.label(parts, index);
        }

        @Override
        public boolean allValues(Object container, Predicate<Object> value) {
          return false; // its key type may be the module's, even when it is empty
        }

        @Override
        public boolean allMapValues(Object container, Predicate<Object> value) {
          return false;
        }

        @Override
        public boolean extrasAreValues(Object container, Predicate<Object> value) {
          return false;
        }
      };

  /**
   * The key type of an enum map: from a key, or for an empty map from its serialized form (the JDK
   * keeps the type private, but writes it: {@code annotateClass} sees it go by).
   */
  private static Class<?> keyType(EnumMap<?, ?> map, Object[] entries) {
    if (entries.length > 0) {
      return ((Enum<?>) entries[0]).getDeclaringClass();
    }
    List<Class<?>> written = new ArrayList<>();
    try (ObjectOutputStream out =
        new ObjectOutputStream(OutputStream.nullOutputStream()) {
          @Override
          protected void annotateClass(Class<?> type) {
            written.add(type);
          }
        }) {
      out.writeObject(map);
    } catch (IOException e) {
      throw new Refusal("the key type of an empty EnumMap could not be read: " + e);
    }
    return written.stream().filter(Class::isEnum).findFirst().orElse(null);
  }

  /** Weak keys: a migrated key would be held by nothing but the map, and vanish. */
  private static final Kind REFUSED_WEAK =
      new MapKind() {

        @Override
        public Object rebuild(Object container, Object empty, Object[] mapped) {
          throw new Refusal(
              "a WeakHashMap holding module values cannot be migrated: the new keys would be held by nothing but the map "
                  + "and vanish; rebuild it in codeChange");
        }
      };

  /**
   * A JDK collection or map of a kind not listed: kept when nothing in it changes, else refused.
   */
  /**
   * A class object: its parts are none, since the engine maps a class of another version to the
   * class of the same name itself; listed so that a {@code Class} is never taken for a plain value.
   */
  private static final Kind CLASS =
      new Kind() {
        @Override
        public Object[] parts(Object container) {
          return new Object[0];
        }

        @Override
        public Object rebuild(Object container, Object empty, Object[] mapped) {
          return container;
        }
      };

  /**
   * A JDK throwable: its parts are its cause and what it suppressed. It is kept as it is when they
   * hold nothing of the module, and refused otherwise: a throwable cannot be rebuilt, and a cause
   * of the old version would come back from {@code getCause()} as an object of the old classes.
   */
  private static final Kind THROWABLE =
      new Kind() {
        @Override
        public Object[] parts(Object container) {
          Throwable t = (Throwable) container;
          Throwable[] suppressed = t.getSuppressed();
          Object[] parts = new Object[suppressed.length + 1];
          parts[0] = t.getCause();
          System.arraycopy(suppressed, 0, parts, 1, suppressed.length);
          return parts;
        }

        @Override
        public Object rebuild(Object container, Object empty, Object[] mapped) {
          throw new Refusal(
              "a "
                  + container.getClass().getName()
                  + " whose cause or suppressed exceptions are the module's cannot be rebuilt;"
                  + " keep the exception's message, or map it in codeChange");
        }

        @Override
        public String label(Object[] parts, int index) {
          return index == 0 ? ".getCause()" : ".getSuppressed()[" + (index - 1) + "]";
        }

        @Override
        public boolean allValues(Object container, Predicate<Object> value) {
          for (Object part : parts(container)) {
            if (!value.test(part)) {
              return false;
            }
          }
          return true;
        }
      };

  private static final Kind UNKNOWN =
      new Kind() {
        @Override
        public Object[] parts(Object container) {
          return container instanceof Map<?, ?> map
              ? MAP_PARTS.parts(map)
              : ((Collection<?>) container).toArray();
        }

        @Override
        public Object rebuild(Object container, Object empty, Object[] mapped) {
          throw new Refusal(
              "a "
                  + container.getClass().getName()
                  + " holding values of the module cannot be rebuilt as the same kind; "
                  + "use a java.util collection Molt knows, or rebuild it in codeChange");
        }
      };

  private static final MapKind MAP_PARTS = (MapKind) map(HashMap::new);

  // ---- other holders ---------------------------------------------------------------------

  /** A holder of one value: an optional, an atomic reference. */
  private record One(
      java.util.function.Function<Object, Object> get,
      java.util.function.Function<Object, Object> make,
      boolean mutable)
      implements Kind {
    @Override
    public Object[] parts(Object container) {
      return new Object[] {get.apply(container)};
    }

    @Override
    public Object empty(Object container, Object[] parts) {
      return mutable ? make.apply(null) : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      if (empty != null) {
        ((AtomicReference<Object>) empty).set(mapped[0]);
        return empty;
      }
      return make.apply(mapped[0]);
    }

    @Override
    public String label(Object[] parts, int index) {
      return ".get()";
    }
  }

  private static final Kind OPTIONAL =
      new One(o -> ((Optional<?>) o).orElse(null), Optional::ofNullable, false);

  private static final Kind ATOMIC_REFERENCE =
      new One(o -> ((AtomicReference<?>) o).get(), AtomicReference::new, true);

  private static final Kind ATOMIC_REFERENCE_ARRAY =
      new Kind() {
        @Override
        public Object[] parts(Object container) {
          AtomicReferenceArray<?> array = (AtomicReferenceArray<?>) container;
          Object[] parts = new Object[array.length()];
          for (int i = 0; i < parts.length; i++) {
            parts[i] = array.get(i);
          }
          return parts;
        }

        @Override
        public Object empty(Object container, Object[] parts) {
          return new AtomicReferenceArray<>(parts.length);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object rebuild(Object container, Object empty, Object[] mapped) {
          AtomicReferenceArray<Object> array =
              (AtomicReferenceArray<Object>) (empty != null ? empty : empty(container, mapped));
          for (int i = 0; i < mapped.length; i++) {
            array.set(i, mapped[i]);
          }
          return array;
        }
      };

  /** A map entry held on its own: an entry of the same kind. */
  private record Entry(java.util.function.BiFunction<Object, Object, Object> make) implements Kind {
    @Override
    public Object[] parts(Object container) {
      Map.Entry<?, ?> entry = (Map.Entry<?, ?>) container;
      return new Object[] {entry.getKey(), entry.getValue()};
    }

    @Override
    public Object rebuild(Object container, Object empty, Object[] mapped) {
      return make.apply(mapped[0], mapped[1]);
    }

    @Override
    public String label(Object[] parts, int index) {
      return index == 0 ? ".getKey()" : ".getValue()";
    }
  }

  private static final Kind MAP_ENTRY_KIND = new Entry(Map::entry);
  private static final Kind IMMUTABLE_ENTRY = new Entry(AbstractMap.SimpleImmutableEntry::new);
  private static final Kind MUTABLE_ENTRY = new Entry(AbstractMap.SimpleEntry::new);
}
