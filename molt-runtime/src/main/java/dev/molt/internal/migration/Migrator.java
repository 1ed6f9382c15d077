package dev.molt.internal.migration;

import dev.molt.code.MigrationException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine behind {@link dev.molt.code.Migration}: maps a value built from one version of a
 * module's classes to the classes of another version, by class name, as that page describes. One
 * instance maps one value, keeping the identity of what it reaches.
 *
 * <p>The plan for a record (its constructor, the accessors to read and the defaults to fill) is
 * computed once per pair of classes and kept with the old class; {@link #forget} drops the plans of
 * a purged version, so that an old version someone still holds does not hold later ones.
 */
public final class Migrator {
  private static final ClassValue<Map<Class<?>, RecordPlan>> PLANS =
      new ClassValue<>() {
        @Override
        protected Map<Class<?>, RecordPlan> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  private final ModuleClasses target;

  /**
   * Old object to new, for identity and cycles; made on first use (most states need few entries).
   */
  private IdentityHashMap<Object, Object> mapped;

  private Set<Object> inProgress;

  private Migrator(ModuleClasses target) {
    this.target = target;
  }

  /** Maps {@code value} to the classes of {@code target}; {@code path} names it in errors. */
  public static Object to(ModuleClasses target, Object value, String path) {
    return new Migrator(target).map(value, path);
  }

  /**
   * Computes ahead the plans for every record class that {@code from} and {@code to} both define,
   * so that the pause of a code change does not pay for them. A class whose plan cannot be made is
   * left for the code change itself to report.
   */
  public static void prepare(
      ModuleClasses from, ModuleClasses to, java.util.Collection<String> classNames) {
    for (String name : classNames) {
      Class<?> oldType = from.ownClass(name);
      Class<?> newType = to.ownClass(name);
      if (oldType == null || newType == null || !oldType.isRecord() || !newType.isRecord()) {
        continue;
      }
      try {
        PLANS.get(oldType).computeIfAbsent(newType, type -> RecordPlan.of(oldType, type, "state"));
      } catch (MigrationException e) {
        // reported with its real path if a value of this class is ever migrated
      }
    }
  }

  /**
   * Drops the plans kept with the classes of a purged version. A plan refers to the newer class it
   * builds; without this, an old version that something still holds would hold every later one.
   */
  public static void forget(ModuleClasses purged) {
    for (Class<?> type : purged.definedClasses()) {
      PLANS.remove(type);
    }
  }

  /**
   * Drops the plans from {@code from}'s classes to the classes of {@code target}, a version that
   * was prepared and then dropped without becoming current.
   */
  public static void forgetTarget(ModuleClasses from, ModuleClasses target) {
    for (Class<?> type : from.definedClasses()) {
      PLANS.get(type).keySet().removeIf(newType -> newType.getClassLoader() == target);
    }
  }

  /**
   * Whether values of {@code type} must be mapped to reach {@code target}: a class of another
   * version of the same module, or a class of the same name loaded elsewhere (the copy on the
   * application class path). A fast check, made for every message a module's process receives.
   */
  public static boolean foreign(Class<?> type, ModuleClasses target) {
    ClassLoader loader = type.getClassLoader();
    return loader != target
        && ((loader instanceof ModuleClasses m && m.module().equals(target.module()))
            || (loader != null && target.owns(type.getName())));
  }

  Object map(Object value, String path) {
    if (value == null) {
      return null;
    }
    Class<?> type = value.getClass();
    if (type.getClassLoader() == null
        && !(value instanceof Collection<?>
            || value instanceof Map<?, ?>
            || value instanceof Optional<?>
            || type.isArray())) {
      return value;
    }
    Object done = mapped == null ? null : mapped.get(value);
    if (done != null) {
      return done;
    }
    if (type.isArray() && !type.getComponentType().isPrimitive()) {
      return mapArray((Object[]) value, path);
    }
    if (foreign(type, target)) {
      return mapModuleValue(value, type, path);
    }
    if (type.getClassLoader() instanceof ModuleClasses) {
      return value;
    }
    if (value instanceof Optional<?> optional) {
      Object inner = optional.orElse(null);
      Object mappedInner = map(inner, path + ".get()");
      return remember(value, mappedInner == inner ? value : Optional.ofNullable(mappedInner));
    }
    if (value instanceof List<?> list) {
      return mapCollection(list, path);
    }
    if (value instanceof Set<?> set) {
      return mapCollection(set, path);
    }
    if (value instanceof Map<?, ?> map) {
      return mapMap(map, path);
    }
    return value;
  }

  /**
   * Whether anything reachable from {@code value} through collections, maps, optionals and arrays
   * must be mapped. A read-only scan, so that the common state — a big map of JDK values — costs
   * one pass and no copy.
   */
  private boolean needs(Object value, IdentityHashMap<Object, Boolean> visited) {
    if (value == null) {
      return false;
    }
    Class<?> type = value.getClass();
    if (type == String.class
        || type == Integer.class
        || type == Long.class
        || type == Boolean.class
        || type == Double.class) {
      return false;
    }
    if (type.getClassLoader() == null
        && !(value instanceof Collection<?>
            || value instanceof Map<?, ?>
            || value instanceof Optional<?>
            || type.isArray())) {
      return false;
    }
    if (foreign(type, target) || (mapped != null && mapped.containsKey(value))) {
      return true;
    }
    if (visited.put(value, Boolean.TRUE) != null) {
      return false;
    }
    if (type.isArray()) {
      if (type.getComponentType().isPrimitive()) {
        return false;
      }
      if (foreign(type.getComponentType(), target)) {
        return true;
      }
      for (Object element : (Object[]) value) {
        if (needs(element, visited)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof Collection<?> collection) {
      for (Object element : collection) {
        if (needs(element, visited)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (needs(entry.getKey(), visited) || needs(entry.getValue(), visited)) {
          return true;
        }
      }
      return false;
    }
    if (value instanceof Optional<?> optional) {
      return needs(optional.orElse(null), visited);
    }
    return false;
  }

  private Object mapModuleValue(Object value, Class<?> type, String path) {
    if (type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum())) {
      Class<?> enumType = type.isEnum() ? type : type.getSuperclass();
      Class<?> newType = targetClass(enumType, path);
      String constant = ((Enum<?>) value).name();
      for (Object candidate : newType.getEnumConstants()) {
        if (((Enum<?>) candidate).name().equals(constant)) {
          return remember(value, candidate);
        }
      }
      throw new MigrationException(
          path,
          "enum constant "
              + enumType.getSimpleName()
              + "."
              + constant
              + " of "
              + describe(type)
              + " no longer exists in "
              + target.module()
              + " v"
              + target.version()
              + "; handle it in codeChange");
    }
    if (type.isRecord()) {
      RecordPlan plan = plan(type, path);
      if (plan.flat()) {
        // maps no component, so it cannot be part of a cycle: no need to track it in progress
        return remember(value, plan.build(value, this, path));
      }
      if (inProgress == null) {
        inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
      }
      if (!inProgress.add(value)) {
        throw new MigrationException(
            path,
            "record "
                + type.getName()
                + " is part of a cycle through records, which cannot "
                + "be rebuilt; handle it in codeChange");
      }
      try {
        return remember(value, plan.build(value, this, path));
      } finally {
        inProgress.remove(value);
      }
    }
    String what =
        type.isHidden() || type.isSynthetic()
            ? "lambda"
            : type.isAnonymousClass()
                ? "anonymous class " + type.getName()
                : value instanceof Thread
                    ? "thread"
                    : value instanceof ClassLoader
                        ? "class loader"
                        : "instance of " + type.getName() + " (not a record or an enum)";
    throw new MigrationException(
        path, what + " of " + describe(type) + " cannot be migrated; handle it in codeChange");
  }

  private String describe(Class<?> type) {
    return type.getClassLoader() instanceof ModuleClasses m
        ? m.module() + " v" + m.version()
        : "the application class path";
  }

  private RecordPlan plan(Class<?> oldType, String path) {
    Class<?> newType = targetClass(oldType, path);
    Map<Class<?>, RecordPlan> plans = PLANS.get(oldType);
    RecordPlan plan = plans.get(newType);
    if (plan == null) {
      plan = RecordPlan.of(oldType, newType, path);
      plans.put(newType, plan);
    }
    return plan;
  }

  private Class<?> targetClass(Class<?> oldType, String path) {
    Class<?> newType = target.ownClass(oldType.getName());
    if (newType == null) {
      throw new MigrationException(
          path,
          oldType.getName()
              + " of "
              + describe(oldType)
              + " no longer exists in "
              + target.module()
              + " v"
              + target.version()
              + "; handle it in codeChange");
    }
    return newType;
  }

  private Object remember(Object from, Object to) {
    if (mapped == null) {
      mapped = new IdentityHashMap<>();
    }
    mapped.put(from, to);
    return to;
  }

  private Object mapArray(Object[] array, String path) {
    Object[] copy = null;
    for (int i = 0; i < array.length; i++) {
      Object element = map(array[i], path + "[" + i + "]");
      if (copy == null && element != array[i]) {
        Class<?> component = array.getClass().getComponentType();
        Class<?> newComponent =
            foreign(component, target) ? targetClass(component, path) : component;
        copy = (Object[]) Array.newInstance(newComponent, array.length);
        System.arraycopy(array, 0, copy, 0, i);
        remember(array, copy);
      }
      if (copy != null) {
        copy[i] = element;
      }
    }
    return copy == null ? array : copy;
  }

  /**
   * A mutable collection gets its (empty) copy registered before its elements are mapped, so an
   * element that leads back to it maps to the copy: cycles come out as cycles. If no element
   * changed and nothing pointed back, the original is kept.
   */
  @SuppressWarnings("unchecked")
  private Object mapCollection(Collection<?> collection, String path) {
    if (!needs(collection, new IdentityHashMap<>())) {
      return remember(collection, collection);
    }
    boolean mutable = Collections2.isKnownMutable(collection.getClass());
    Collection<Object> early = mutable ? Collections2.rebuild(collection, List.of(), path) : null;
    if (early != null) {
      remember(collection, early);
    }
    List<Object> elements = new ArrayList<>(collection.size());
    boolean changed = false;
    int i = 0;
    for (Object element : collection) {
      Object m = map(element, path + "[" + i++ + "]");
      changed |= m != element;
      elements.add(m);
    }
    if (!changed) {
      return remember(collection, collection);
    }
    if (early != null) {
      early.addAll(elements);
      return early;
    }
    return remember(collection, Collections2.rebuild(collection, elements, path));
  }

  /** A map whose keys its declared type proves need no mapping (see {@link Leaves}). */
  Object mapValuesOnly(Object value, String path) {
    if (!(value instanceof Map<?, ?> map) || foreign(value.getClass(), target)) {
      return map(value, path);
    }
    Object done = mapped == null ? null : mapped.get(value);
    if (done != null) {
      return done;
    }
    IdentityHashMap<Object, Boolean> visited = new IdentityHashMap<>();
    visited.put(map, Boolean.TRUE);
    for (Object element : map.values()) {
      if (needs(element, visited)) {
        return mapMap(map, path);
      }
    }
    return remember(map, map);
  }

  @SuppressWarnings("unchecked")
  private Object mapMap(Map<?, ?> map, String path) {
    if (!needs(map, new IdentityHashMap<>())) {
      return remember(map, map);
    }
    boolean mutable = Collections2.isKnownMutable(map.getClass());
    Map<Object, Object> early = mutable ? Collections2.rebuild(map, Map.of(), path) : null;
    if (early != null) {
      remember(map, early);
    }
    Map<Object, Object> entries = new LinkedHashMap<>();
    boolean changed = false;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object key = map(entry.getKey(), path + ".key(" + entry.getKey() + ")");
      Object value = map(entry.getValue(), path + "{" + entry.getKey() + "}");
      changed |= key != entry.getKey() || value != entry.getValue();
      entries.put(key, value);
    }
    if (!changed) {
      return remember(map, map);
    }
    if (early != null) {
      early.putAll(entries);
      return early;
    }
    return remember(map, Collections2.rebuild(map, entries, path));
  }
}
