package dev.molt.code;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.internal.migration.Migrator;
import dev.molt.internal.migration.ModuleClasses;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Value migration: maps a value built from one version of a module's classes to the classes of
 * another version, by class name. This is the default {@code codeChange}, and what happens to a
 * message that reaches a process on newer code than the one that built it.
 *
 * <ul>
 *   <li>Records are rebuilt by component name with their canonical constructor. A component the old
 *       record lacks takes its {@link Default}; a component the new record lacks is dropped.
 *   <li>Enums map by constant name; sealed hierarchies follow, since each case maps by its name.
 *   <li>{@code List}, {@code Set}, {@code Map}, {@code Optional} and arrays are mapped element by
 *       element into a collection of the same kind and mutability. A collection holding nothing to
 *       map is kept as it is, so the common case costs one scan and no copy.
 *   <li>Everything else — the JDK, the stable layer, other modules — passes through unchanged.
 *       Identity is kept: an object reached twice maps to one object, and cycles through mutable
 *       collections are rebuilt as cycles.
 *   <li>Lambdas, anonymous classes, threads, class loaders and other non-record classes of the
 *       module cannot be mapped: {@link MigrationException} names the path and suggests handling
 *       the value in {@code codeChange}.
 * </ul>
 *
 * <p>The plan for a record (its constructor, the accessors to read and the defaults to fill) is
 * computed once per pair of classes and kept with the old class, so it goes when the old code is
 * purged.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Migration {
  private Migration() {}

  /**
   * Maps {@code value} to the classes of the module version that defined {@code anchor}: call it
   * from an overridden {@code codeChange} as {@code Migration.migrate(oldState, getClass())}.
   * Values are returned unchanged if {@code anchor} is not module code.
   */
  public static Object migrate(Object value, Class<?> anchor) {
    if (!(anchor.getClassLoader() instanceof ModuleClasses loader)) {
      return value;
    }
    return Migrator.to(loader, value, "state");
  }

  /**
   * The component {@code name} of {@code record}, a record of any version: how an overridden {@code
   * codeChange} reads the old state when the default mapping cannot build the new one (a component
   * that changed type, say). Fails with a {@link MigrationException} naming what the old record
   * has.
   */
  public static Object component(Object record, String name) {
    if (record == null || !record.getClass().isRecord()) {
      throw new MigrationException(
          "state", (record == null ? "null" : record.getClass().getName()) + " is not a record");
    }
    for (RecordComponent component : record.getClass().getRecordComponents()) {
      if (component.getName().equals(name)) {
        try {
          var accessor = component.getAccessor();
          accessor.setAccessible(true);
          return accessor.invoke(record);
        } catch (ReflectiveOperationException e) {
          throw new MigrationException("state." + name, "cannot be read: " + e);
        }
      }
    }
    throw new MigrationException(
        "state",
        record.getClass().getName()
            + " has no component "
            + name
            + " (it has "
            + Arrays.stream(record.getClass().getRecordComponents()).map(c -> c.getName()).toList()
            + ")");
  }
}
