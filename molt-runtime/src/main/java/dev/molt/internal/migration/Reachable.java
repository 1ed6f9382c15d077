package dev.molt.internal.migration;

import dev.molt.code.MigrationException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The proof that a code change is complete: nothing reachable from the new state belongs to a
 * version of the module other than the one the process moves to. The default mapping needs no
 * proof, since it builds every object it reaches; a state that an overridden {@code codeChange}
 * built is walked, as is every state in strict mode ({@code -Dmolt.migration.strict=true}).
 *
 * <p>The walk is iterative and visits each object once. It looks into the JDK's containers ({@link
 * Containers}), arrays, and every field of the module's own objects; values of the JDK and of the
 * stable layer are opaque to it, as they are to migration.
 */
public final class Reachable {
  /**
   * Whether every code change is checked, and a component dropped while another appears refused.
   */
  public static final boolean STRICT = Boolean.getBoolean("molt.migration.strict");

  private static final ClassValue<Reader> READERS =
      new ClassValue<>() {
        @Override
        protected Reader computeValue(Class<?> type) {
          return Reader.of(type);
        }
      };

  private Reachable() {}

  /**
   * Refuses {@code value} if it reaches an object of another version of {@code current}'s module,
   * with the path to the first one found.
   */
  public static void check(Object value, ModuleClasses current, String root) {
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    ArrayDeque<Step> todo = new ArrayDeque<>();
    todo.push(new Step(value, null, root));
    while (!todo.isEmpty()) {
      Step step = todo.pop();
      Object object = step.value;
      if (object == null || seen.put(object, Boolean.TRUE) != null) {
        continue;
      }
      Class<?> type = object.getClass();
      ClassLoader loader = type.isArray() ? elementLoader(type) : type.getClassLoader();
      if (object instanceof Class<?> held) {
        refuseOther(
            step,
            elementLoader(held),
            current,
            "holds the class " + held.getName(),
            "use the new version's class (getClass() of a new object, or a class literal)");
      }
      refuseOther(
          step,
          loader,
          current,
          "holds a " + type.getName(),
          "the new state must not keep objects of another version: map it in codeChange with "
              + "Migration.migrate(value, getClass())");
      if (type.isArray()) {
        if (!type.getComponentType().isPrimitive()) {
          Object[] elements = (Object[]) object;
          for (int i = elements.length - 1; i >= 0; i--) {
            todo.push(new Step(elements[i], step, "[" + i + "]"));
          }
        }
      } else if (type.getClassLoader() == null) {
        Containers.Kind kind = Containers.of(object);
        if (kind != null) {
          Object[] parts = kind.parts(object);
          for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(new Step(parts[i], step, kind.label(parts, i)));
          }
        }
      } else if (loader instanceof ModuleClasses) {
        Reader reader = READERS.get(type);
        Object[] fields = reader.read(object);
        for (int i = fields.length - 1; i >= 0; i--) {
          todo.push(new Step(fields[i], step, "." + reader.names[i]));
        }
      }
    }
  }

  /** Refuses when {@code loader} is another version of {@code current}'s module. */
  private static void refuseOther(
      Step step, ClassLoader loader, ModuleClasses current, String what, String fix) {
    if (loader instanceof ModuleClasses version
        && loader != current.loader()
        && version.module().equals(current.module())) {
      throw new MigrationException(
          step.path(),
          what
              + " of "
              + version.module()
              + " v"
              + version.version()
              + " after the change to v"
              + current.version()
              + "; "
              + fix);
    }
  }

  private static ClassLoader elementLoader(Class<?> arrayType) {
    Class<?> element = arrayType;
    while (element.isArray()) {
      element = element.getComponentType();
    }
    return element.getClassLoader();
  }

  /** One object to visit, and how it was reached (a path built only when needed). */
  private record Step(Object value, Step parent, String label) {
    String path() {
      StringBuilder path = new StringBuilder();
      for (Step s = this; s != null; s = s.parent) {
        path.insert(0, s.label);
      }
      return path.toString();
    }
  }

  /**
   * The instance fields of a module class and its module superclasses, read through method handles.
   */
  // Arrays for speed; a reader is never compared or hashed.
  @SuppressWarnings("ArrayRecordComponent")
  private record Reader(String[] names, MethodHandle[] getters) {
    static Reader of(Class<?> type) {
      List<String> names = new ArrayList<>();
      List<MethodHandle> getters = new ArrayList<>();
      for (Class<?> c = type;
          c != null && c.getClassLoader() instanceof ModuleClasses;
          c = c.getSuperclass()) {
        try {
          Reachable.class.getModule().addReads(c.getModule());
          MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
          for (Field field : c.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
              continue;
            }
            names.add(field.getName());
            getters.add(
                lookup
                    .unreflectGetter(field)
                    .asType(MethodType.methodType(Object.class, Object.class)));
          }
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read the fields of " + c.getName() + ": " + e, e);
        }
      }
      return new Reader(names.toArray(String[]::new), getters.toArray(MethodHandle[]::new));
    }

    Object[] read(Object object) {
      Object[] values = new Object[getters.length];
      for (int i = 0; i < getters.length; i++) {
        try {
          values[i] = (Object) getters[i].invokeExact(object);
        } catch (Throwable t) {
          throw new IllegalStateException(
              "cannot read " + names[i] + " of " + object.getClass().getName(), t);
        }
      }
      return values;
    }
  }
}
