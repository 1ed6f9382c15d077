package dev.molt.internal.migration;

import java.util.List;
import java.util.Map;

/**
 * The classes of one module version, as migration sees them: implemented by the class loader of
 * each module version. Migration maps a value to the classes of one of these, by class name.
 */
public interface ModuleClasses {
  /** The class loader that defines these classes. */
  default ClassLoader loader() {
    return (ClassLoader) this;
  }

  /** The module's name. */
  String module();

  /** The version's number. */
  int version();

  /** Whether the version has a class of that name. */
  boolean owns(String className);

  /** The version's class of that name, defined on first use; null if it has none. */
  Class<?> ownClass(String className);

  /** The version's classes defined so far. */
  List<Class<?>> definedClasses();

  /**
   * The classes of this version declared {@code @Renamed}: the old binary name of each, to the new.
   * Empty by default.
   */
  default Map<String, String> renames() {
    return Map.of();
  }
}
