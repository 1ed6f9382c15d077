package dev.molt;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.HashSet;
import java.util.Set;

/**
 * The part of value migration that can fail before anything switches: a record that gains a
 * component without a {@link Default}, in a module that does not override {@code codeChange} to
 * build the state itself. Run by {@link CodeServer#prepare}, so such a load is refused whole.
 */
final class MigrationCheck {
  private MigrationCheck() {}

  static void check(ModuleVersion current, ModuleVersion next) {
    if (current == null || overridesCodeChange(next)) {
      return;
    }
    for (String name : next.bytes.keySet()) {
      if (!current.bytes.containsKey(name)) {
        continue;
      }
      Class<?> after = next.loader.ownClass(name);
      if (!after.isRecord()) {
        continue;
      }
      Class<?> before = current.loader.ownClass(name);
      if (!before.isRecord()) {
        continue;
      }
      Set<String> had = new HashSet<>();
      for (RecordComponent component : before.getRecordComponents()) {
        had.add(component.getName());
      }
      for (RecordComponent component : after.getRecordComponents()) {
        if (!had.contains(component.getName()) && component.getAnnotation(Default.class) == null) {
          throw new CodeException(CodeException.Kind.BAD_CLASS, "module " + next + " cannot be loaded: record "
              + name + " gains component " + component.getName() + ", which has no @Default, and the module does not "
              + "override codeChange; state of " + current + " could not be migrated. Declare a @Default or override codeChange");
        }
      }
    }
  }

  private static boolean overridesCodeChange(ModuleVersion version) {
    for (String name : version.bytes.keySet()) {
      Class<?> type = version.loader.ownClass(name);
      if (GenServer.class.isAssignableFrom(type)) {
        for (Method method : type.getDeclaredMethods()) {
          if (method.getName().equals("codeChange") && method.getParameterCount() == 3 && !method.isBridge()) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
