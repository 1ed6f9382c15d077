package dev.molt.internal.migration;

import dev.molt.code.MigrationException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.WrongMethodTypeException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/** How to rebuild one old record class as one new record class. */
// Arrays for speed on the migration path; a plan is never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
record RecordPlan(
    MethodHandle constructor,
    MethodHandle[] readers,
    Object[] defaults,
    String[] names,
    Leaves[] leaves) {
  static RecordPlan of(Class<?> oldType, Class<?> newType, String path) {
    if (!newType.isRecord()) {
      throw new MigrationException(
          path,
          oldType.getName() + " was a record and is not one any more; handle it in codeChange");
    }
    RecordComponent[] components = newType.getRecordComponents();
    Map<String, RecordComponent> old = new LinkedHashMap<>();
    for (RecordComponent component : oldType.getRecordComponents()) {
      old.put(component.getName(), component);
    }
    MethodHandle[] readers = new MethodHandle[components.length];
    Object[] defaults = new Object[components.length];
    String[] names = new String[components.length];
    Leaves[] leaves = new Leaves[components.length];
    Class<?>[] types = new Class<?>[components.length];
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      for (int i = 0; i < components.length; i++) {
        RecordComponent component = components[i];
        names[i] = component.getName();
        leaves[i] = Leaves.of(component.getGenericType());
        types[i] = component.getType();
        RecordComponent before = old.get(component.getName());
        if (before != null) {
          var accessor = before.getAccessor();
          accessor.setAccessible(true);
          readers[i] =
              lookup.unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
        } else {
          defaults[i] = Defaults.of(newType, component, path);
        }
      }
      var canonical = newType.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      MethodHandle constructor =
          lookup
              .unreflectConstructor(canonical)
              .asSpreader(Object[].class, components.length)
              .asType(MethodType.methodType(Object.class, Object[].class));
      return new RecordPlan(constructor, readers, defaults, names, leaves);
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (e instanceof MigrationException migration) {
        throw migration;
      }
      throw new MigrationException(
          path, "cannot plan the migration of " + oldType.getName() + ": " + e);
    }
  }

  /**
   * Whether no component can hold a module value: building reads the components and maps none, so
   * it cannot recurse.
   */
  boolean flat() {
    for (Leaves leaf : leaves) {
      if (leaf != Leaves.ALL) {
        return false;
      }
    }
    return true;
  }

  Object build(Object value, Migrator migration, String path) {
    Object[] args = new Object[readers.length];
    for (int i = 0; i < readers.length; i++) {
      if (readers[i] == null) {
        args[i] = defaults[i];
        continue;
      }
      try {
        Object component = (Object) readers[i].invokeExact(value);
        args[i] =
            switch (leaves[i]) {
              case ALL -> component;
              case MAP_KEYS -> migration.mapValuesOnly(component, path + "." + names[i]);
              case NONE -> migration.map(component, path + "." + names[i]);
            };
      } catch (MigrationException e) {
        throw e;
      } catch (Throwable t) {
        throw new MigrationException(path + "." + names[i], "cannot be read: " + t);
      }
    }
    try {
      return (Object) constructor.invokeExact(args);
    } catch (ClassCastException | WrongMethodTypeException e) {
      throw new MigrationException(
          path,
          "a component changed type in a way that cannot be mapped ("
              + e.getMessage()
              + "); handle it in codeChange");
    } catch (Throwable t) {
      throw new MigrationException(
          path, "the new record's constructor refused the migrated values: " + t);
    }
  }
}
