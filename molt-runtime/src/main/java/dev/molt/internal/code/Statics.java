package dev.molt.internal.code;

import dev.molt.code.CodeException;
import dev.molt.internal.migration.Reachable;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static fields of module classes: each version has its own, starting from its initial value, so a
 * counter or a cache kept in a static restarts at every load. Mutable ones get a warning when a
 * version is prepared; a class that declares {@code static void codeChange(Class<?> previous)}
 * carries them itself, called with the previous version's class of the same name just before the
 * new version becomes current (or pending, for an install).
 */
final class Statics {
  private static final Logger LOG = LoggerFactory.getLogger(Statics.class);
  private static final String HOOK = "codeChange";

  private Statics() {}

  /** Modules that are third-party libraries: their statics are theirs, not the application's. */
  private static final java.util.Set<String> LIBRARIES =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Marks {@code module} as a library (a release's {@code library=} module): its mutable statics
   * are one INFO line, never a refusal, since its code is not the user's to change.
   */
  static void library(String module) {
    LIBRARIES.add(module);
  }

  /**
   * Logs a warning for each class of {@code version} with mutable statics and no hook to carry
   * them. In strict mode ({@code -Dmolt.migration.strict=true}) a class that {@code current} has
   * too (by name or {@code @Renamed}) refuses the load instead: its statics would restart.
   */
  static void check(ModuleVersion current, ModuleVersion version) {
    if (LIBRARIES.contains(version.name())) {
      checkLibrary(version);
      return;
    }
    List<String> restarted = new ArrayList<>();
    Map<String, String> renames = version.loader.renames();
    Map<String, Method> hooks = hooks(version);
    for (String name : version.bytes.keySet()) {
      Class<?> type = version.loader.ownClass(name);
      if (hooks.containsKey(name)) {
        continue;
      }
      List<String> mutable = new ArrayList<>();
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())
            && !field.isSynthetic()
            && !field.isEnumConstant()
            && mutable(field)) {
          mutable.add(field.getName());
        }
      }
      String previous =
          renames.entrySet().stream()
              .filter(e -> e.getValue().equals(name))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse(name);
      if (!mutable.isEmpty()
          && Reachable.STRICT
          && current != null
          && current.bytes.containsKey(previous)) {
        restarted.add(name + " " + mutable);
      } else if (!mutable.isEmpty()) {
        LOG.warn(
            "{}: class {} keeps mutable static state {}; each version has its own, starting from its initial value. "
                + "Keep it in a process's state, or carry it with a static codeChange(Class<?> previous) method",
            version,
            name,
            mutable);
      }
    }
    if (!restarted.isEmpty()) {
      throw new CodeException(
          CodeException.Kind.BAD_CLASS,
          "module "
              + version
              + " cannot be loaded in strict mode: mutable static state would restart from its initial value in "
              + String.join(", ", restarted)
              + ". Keep it in a process's state, or carry it with a static codeChange(Class<?> previous) method");
    }
  }

  private static boolean mutable(Field field) {
    if (!Modifier.isFinal(field.getModifiers())) {
      return true;
    }
    Class<?> type = field.getType();
    return type.isArray()
        || Collection.class.isAssignableFrom(type)
        || Map.class.isAssignableFrom(type)
        || type.getName().startsWith("java.util.concurrent.atomic.")
        || type == StringBuilder.class;
  }

  /**
   * Runs the hooks of {@code next}'s classes that {@code previous} also has; a hook that throws
   * refuses the switch.
   */
  static void carry(ModuleVersion previous, ModuleVersion next) {
    if (previous == null) {
      return;
    }
    for (Map.Entry<String, Method> entry : hooks(next).entrySet()) {
      String name = entry.getKey();
      Method hook = entry.getValue();
      if (!previous.bytes.containsKey(name)) {
        continue;
      }
      try {
        hook.invoke(null, previous.loader.ownClass(name));
      } catch (InvocationTargetException e) {
        throw new CodeException(
            CodeException.Kind.BAD_CLASS,
            "module "
                + next
                + ": "
                + name
                + ".codeChange(previous) threw "
                + e.getCause()
                + "; nothing switched",
            e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new CodeException(
            CodeException.Kind.BAD_CLASS,
            "module " + next + ": " + name + ".codeChange(previous) cannot be called: " + e,
            e);
      }
    }
  }

  /** Finds {@code version}'s hooks now, at prepare, rather than in the switch. */
  static void prepare(ModuleVersion version) {
    hooks(version);
  }

  private static void checkLibrary(ModuleVersion version) {
    int classes = 0;
    for (String name : version.bytes.keySet()) {
      Class<?> type = version.loader.ownClass(name);
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())
            && !field.isSynthetic()
            && !field.isEnumConstant()
            && mutable(field)) {
          classes++;
          break;
        }
      }
    }
    if (classes > 0) {
      LOG.info(
          "{} is a library: {} of its classes keep mutable static state, which each version has"
              + " of its own. A library whose state must outlive an upgrade belongs in the stable"
              + " layer",
          version,
          classes);
    }
  }

  /** The static codeChange(Class) hooks of {@code version}'s classes, found once. */
  private static Map<String, Method> hooks(ModuleVersion version) {
    Map<String, Method> hooks = version.staticHooks;
    if (hooks != null) {
      return hooks;
    }
    hooks = new java.util.HashMap<>();
    for (String name : version.bytes.keySet()) {
      // getDeclaredMethods, not getDeclaredMethod: no exception for each class without one
      for (Method method : version.loader.ownClass(name).getDeclaredMethods()) {
        if (method.getName().equals(HOOK)
            && Modifier.isStatic(method.getModifiers())
            && method.getParameterCount() == 1
            && method.getParameterTypes()[0] == Class.class) {
          method.setAccessible(true);
          hooks.put(name, method);
        }
      }
    }
    version.staticHooks = Map.copyOf(hooks);
    return version.staticHooks;
  }
}
