package dev.molt.internal.migration;

import dev.molt.code.Renamed;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to rebuild one old record class as one new record class: which old component each new one
 * takes (by name, or by {@link Renamed}), the defaults of the new ones, and which values need to be
 * looked into.
 *
 * <p>Old components are read from their <em>fields</em>, not their accessors: an accessor may
 * return a view or a copy (an unmodifiable list), and the new record must get what the old one
 * held.
 *
 * <p>Declared types prove things, but only when both versions declare the same: a value whose old
 * and new component are both {@code List<String>} cannot hold module objects and is taken as it is.
 * A component whose declared type changed is looked into and its value checked against the new
 * declaration, so that {@code List<Item>} becoming {@code List<String>} is refused rather than
 * carrying Items into a list of Strings.
 */
// Arrays for speed on the migration path; a plan is never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
record RecordPlan(
    Class<?> oldType,
    Class<?> newType,
    String[] used,
    MethodHandle[] readers,
    Leaves[] proven,
    int[] source,
    Object[] defaults,
    Type[] check,
    Type[] oldTypes,
    MethodHandle constructor,
    boolean flat,
    Converter converter) {

  static RecordPlan of(Class<?> oldType, Class<?> newType) {
    if (!newType.isRecord()) {
      throw new Refusal(
          oldType.getName() + " was a record and is not one any more; handle it in codeChange");
    }
    RecordComponent[] olds = oldType.getRecordComponents();
    Map<String, Integer> oldIndex = new LinkedHashMap<>();
    for (int i = 0; i < olds.length; i++) {
      oldIndex.put(olds[i].getName(), i);
    }
    RecordComponent[] news = newType.getRecordComponents();
    int[] source = new int[news.length];
    Object[] defaults = new Object[news.length];
    Type[] check = new Type[news.length];
    Type[] oldTypes = new Type[news.length];
    Map<Integer, Integer> usedSlot = new LinkedHashMap<>();
    for (int i = 0; i < news.length; i++) {
      RecordComponent component = news[i];
      Renamed renamed = component.getAnnotation(Renamed.class);
      String from = Renaming.sourceComponent(component, olds);
      Integer old = oldIndex.get(from);
      if (old == null) {
        if (renamed != null) {
          throw new Refusal(
              "." + component.getName(),
              "component "
                  + component.getName()
                  + " of "
                  + newType.getName()
                  + " is @Renamed(\""
                  + from
                  + "\"), but "
                  + oldType.getName()
                  + " has no component "
                  + from
                  + " (it has "
                  + oldIndex.keySet()
                  + ")");
        }
        source[i] = -1;
        defaults[i] = Defaults.of(newType, component);
        continue;
      }
      source[i] = usedSlot.computeIfAbsent(old, o -> usedSlot.size());
      Type before = olds[old].getGenericType();
      Type after = component.getGenericType();
      oldTypes[i] = before;
      if (!before.getTypeName().equals(after.getTypeName())) {
        check[i] = after;
      }
    }
    String[] used = new String[usedSlot.size()];
    MethodHandle[] readers = new MethodHandle[used.length];
    MethodHandle[] typedReaders = new MethodHandle[used.length];
    Leaves[] proven = new Leaves[used.length];
    boolean flat = true;
    try {
      // module code lives in unnamed modules, which a named runtime module must be told to read
      RecordPlan.class.getModule().addReads(oldType.getModule());
      MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(oldType, MethodHandles.lookup());
      for (Map.Entry<Integer, Integer> slot : usedSlot.entrySet()) {
        RecordComponent old = olds[slot.getKey()];
        int k = slot.getValue();
        used[k] = old.getName();
        typedReaders[k] = lookup.findGetter(oldType, old.getName(), old.getType());
        readers[k] = typedReaders[k].asType(MethodType.methodType(Object.class, Object.class));
        proven[k] = provenByBoth(old, news, source, k);
        // flat: converted field by field with no look at the values, so only leaf types (a
        // container declared List<String> may still be a module subclass or carry a comparator)
        flat &= proven[k] == Leaves.ALL && Leaves.isLeaf(old.getGenericType());
      }
      Class<?>[] types = new Class<?>[news.length];
      for (int i = 0; i < news.length; i++) {
        types[i] = news[i].getType();
      }
      var canonical = newType.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      MethodHandle canonicalHandle = MethodHandles.lookup().unreflectConstructor(canonical);
      MethodHandle constructor =
          canonicalHandle
              .asSpreader(Object[].class, news.length)
              .asType(MethodType.methodType(Object.class, Object[].class));
      Converter converter =
          flat
              ? Converters.of(
                  direct(oldType, canonicalHandle, typedReaders, source, defaults, types))
              : null;
      return new RecordPlan(
          oldType,
          newType,
          used,
          readers,
          proven,
          source,
          defaults,
          check,
          oldTypes,
          constructor,
          flat,
          converter);
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof Refusal refusal) {
        throw refusal;
      }
      throw new Refusal("cannot plan the migration of " + oldType.getName() + ": " + e);
    }
  }

  /**
   * {@code (Old)New} for a record that needs nothing looked into: the canonical constructor, fed
   * the old fields (typed, unboxed) and the defaults of the new components.
   */
  private static MethodHandle direct(
      Class<?> oldType,
      MethodHandle canonical,
      MethodHandle[] readers,
      int[] source,
      Object[] defaults,
      Class<?>[] types) {
    if (source.length == 0) {
      return MethodHandles.dropArguments(canonical, 0, oldType);
    }
    MethodHandle[] feed = new MethodHandle[source.length];
    for (int i = 0; i < source.length; i++) {
      feed[i] =
          source[i] >= 0
              ? readers[source[i]].asType(MethodType.methodType(types[i], oldType))
              : MethodHandles.dropArguments(
                  defaults[i] == null
                      ? MethodHandles.zero(types[i])
                      : MethodHandles.constant(types[i], defaults[i]),
                  0,
                  oldType);
    }
    return MethodHandles.permuteArguments(
        MethodHandles.filterArguments(canonical, 0, feed),
        MethodType.methodType(canonical.type().returnType(), oldType),
        new int[source.length]);
  }

  /**
   * What old component {@code k}'s declared type proves ({@link Leaves}), if every new component it
   * feeds declares the same type; else nothing ({@link Leaves#NONE}).
   */
  private static Leaves provenByBoth(
      RecordComponent old, RecordComponent[] news, int[] source, int k) {
    for (int i = 0; i < news.length; i++) {
      if (source[i] == k
          && !news[i].getGenericType().getTypeName().equals(old.getGenericType().getTypeName())) {
        return Leaves.NONE;
      }
    }
    return Leaves.of(old.getGenericType());
  }

  /** The values of the old components the new record uses, read from the fields. */
  Object[] read(Object record) {
    Object[] values = new Object[readers.length];
    for (int k = 0; k < readers.length; k++) {
      try {
        values[k] = (Object) readers[k].invokeExact(record);
      } catch (Throwable t) {
        throw new Refusal("." + used[k], "component " + used[k] + " cannot be read: " + t);
      }
    }
    return values;
  }

  /** The new record from the mapped values of the used old components. */
  Object build(Object[] mapped) {
    Object[] args = new Object[source.length];
    for (int i = 0; i < source.length; i++) {
      args[i] = source[i] < 0 ? defaults[i] : mapped[source[i]];
      if (check[i] != null) {
        conform(i, args[i]);
      }
    }
    try {
      return (Object) constructor.invokeExact(args);
    } catch (Throwable t) {
      throw new Refusal(
          "the constructor of "
              + newType.getName()
              + " refused the migrated values: "
              + t
              + "; handle it in codeChange");
    }
  }

  /** The name of the new component {@code i}, for paths. */
  String name(int i) {
    return newType.getRecordComponents()[i].getName();
  }

  /**
   * Refuses a value that does not fit the new declaration of component {@code i} (which changed):
   * its class, and for a collection, map or optional of a class, what it holds.
   */
  private void conform(int i, Object value) {
    Type declared = check[i];
    String problem = misfit(value, declared);
    if (problem != null) {
      RecordComponent component = newType.getRecordComponents()[i];
      throw new Refusal(
          "." + component.getName(),
          "component "
              + component.getName()
              + " was "
              + oldTypes[i].getTypeName()
              + " and is "
              + declared.getTypeName()
              + ", and "
              + problem
              + "; convert it in codeChange (Migration.component(oldState, \""
              + used[source[i]]
              + "\") reads the old value)");
    }
  }

  /**
   * What about {@code value} does not fit {@code declared}, or null if it fits: its class, and for
   * a collection, map or optional, what it holds, at every depth ({@code List<List<String>>} checks
   * the inner lists' elements too).
   */
  private static String misfit(Object value, Type declared) {
    if (value == null) {
      return raw(declared).isPrimitive() ? "its value is null" : null;
    }
    return misfitAt(value, declared, "");
  }

  private static String misfitAt(Object value, Type declared, String at) {
    return misfitAt(value, declared, at, Map.of());
  }

  /**
   * As above, with the type variables of the generic records met on the way bound to their
   * arguments: a {@code Box<Integer>} checks the {@code T value} of the Box it holds as an Integer.
   */
  private static String misfitAt(
      Object value, Type declared, String at, Map<TypeVariable<?>, Type> bindings) {
    if (declared instanceof TypeVariable<?> variable && bindings.containsKey(variable)) {
      declared = bindings.get(variable);
    }
    if (value == null || declared instanceof WildcardType || declared instanceof TypeVariable<?>) {
      return null; // a wildcard or an unbound type variable proves nothing
    }
    Class<?> raw = boxed(raw(declared));
    if (!raw.isInstance(value)) {
      return (at.isEmpty() ? "its value is a " : "it holds a ")
          + value.getClass().getName()
          + (at.isEmpty() ? "" : " at " + at);
    }
    if (!(declared instanceof ParameterizedType parameterized)) {
      return null;
    }
    Type[] args = parameterized.getActualTypeArguments();
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof TypeVariable<?> variable && bindings.containsKey(variable)) {
        args[i] = bindings.get(variable);
      }
    }
    if (value instanceof Map<?, ?> map && args.length == 2) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String problem =
            misfitAt(entry.getKey(), args[0], at + ".key(" + entry.getKey() + ")", bindings);
        if (problem == null) {
          problem = misfitAt(entry.getValue(), args[1], at + "{" + entry.getKey() + "}", bindings);
        }
        if (problem != null) {
          return problem;
        }
      }
    } else if (value instanceof Collection<?> collection && args.length == 1) {
      int index = 0;
      for (Object element : collection) {
        String problem = misfitAt(element, args[0], at + "[" + index + "]", bindings);
        if (problem != null) {
          return problem;
        }
        index++;
      }
    } else if (value instanceof Optional<?> optional && args.length == 1 && optional.isPresent()) {
      return misfitAt(optional.get(), args[0], at + ".get()", bindings);
    } else if (value instanceof Record
        && value.getClass().getTypeParameters().length == args.length) {
      // a generic record: its components, with its type variables bound to these arguments
      TypeVariable<?>[] parameters = value.getClass().getTypeParameters();
      Map<TypeVariable<?>, Type> inner = new java.util.HashMap<>();
      for (int i = 0; i < parameters.length; i++) {
        inner.put(parameters[i], args[i]);
      }
      RecordComponent[] components = value.getClass().getRecordComponents();
      java.lang.reflect.Field[] fields = COMPONENT_FIELDS.get(value.getClass());
      for (int i = 0; i < components.length; i++) {
        String problem =
            misfitAt(
                componentValue(value, fields[i], components[i].getName()),
                components[i].getGenericType(),
                at + "." + components[i].getName(),
                inner);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  /**
   * The fields behind a record's components, in component order, made accessible once per class: a
   * component is read from its field (an accessor may compute, or return a view).
   */
  private static final ClassValue<java.lang.reflect.Field[]> COMPONENT_FIELDS =
      new ClassValue<>() {
        @Override
        protected java.lang.reflect.Field[] computeValue(Class<?> type) {
          RecordComponent[] components = type.getRecordComponents();
          java.lang.reflect.Field[] fields = new java.lang.reflect.Field[components.length];
          for (int i = 0; i < components.length; i++) {
            try {
              fields[i] = type.getDeclaredField(components[i].getName());
              fields[i].setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
              fields[i] = null; // reported when a value of it is read
            }
          }
          return fields;
        }
      };

  private static Object componentValue(Object record, java.lang.reflect.Field field, String name) {
    try {
      if (field == null) {
        throw new IllegalStateException("its field is not accessible");
      }
      return field.get(record);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new Refusal("." + name, "component " + name + " cannot be read: " + e);
    }
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    return Object.class;
  }

  private static Class<?> boxed(Class<?> type) {
    return type.isPrimitive() ? MethodType.methodType(type).wrap().returnType() : type;
  }
}
