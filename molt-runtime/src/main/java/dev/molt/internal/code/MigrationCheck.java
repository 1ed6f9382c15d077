package dev.molt.internal.code;

import dev.molt.behaviour.GenServer;
import dev.molt.code.CodeException;
import dev.molt.code.Default;
import dev.molt.internal.migration.Migrator;
import dev.molt.internal.migration.Reachable;
import dev.molt.internal.migration.Renaming;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of value migration that can fail before anything switches: a record that gains a
 * component without a {@link Default}, in a module that does not override {@code codeChange} to
 * build the state itself. Run by {@link Preparation}, so such a load is refused whole.
 */
final class MigrationCheck {
  private static final Logger LOG = LoggerFactory.getLogger(MigrationCheck.class);

  private MigrationCheck() {}

  static void check(ModuleVersion current, ModuleVersion next) {
    initializeBehaviours(next);
    Statics.check(current, next);
    if (current == null) {
      return;
    }
    Migrator.prepare(current.loader, next.loader, current.bytes.keySet());
    boolean overrides = overridesCodeChange(next);
    Map<String, String> renames = next.loader.renames();
    for (String name : next.bytes.keySet()) {
      Class<?> after = next.loader.ownClass(name);
      if (!after.isRecord()) {
        continue;
      }
      String previous =
          renames.entrySet().stream()
              .filter(e -> e.getValue().equals(name) && current.bytes.containsKey(e.getKey()))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse(current.bytes.containsKey(name) ? name : backFrom(current, name));
      if (previous == null) {
        continue;
      }
      Class<?> before = current.loader.ownClass(previous);
      if (!before.isRecord()) {
        continue;
      }
      Set<String> had = new LinkedHashSet<>();
      for (RecordComponent component : before.getRecordComponents()) {
        had.add(component.getName());
      }
      Set<String> taken = new HashSet<>();
      List<String> gained = new ArrayList<>();
      for (RecordComponent component : after.getRecordComponents()) {
        String from = Renaming.sourceComponent(component, before.getRecordComponents());
        if (had.contains(from)) {
          taken.add(from);
          continue;
        }
        gained.add(component.getName());
        if (component.getAnnotation(Default.class) == null && !overrides) {
          throw new CodeException(
              CodeException.Kind.BAD_CLASS,
              "module "
                  + next
                  + " cannot be loaded: record "
                  + name
                  + " gains component "
                  + component.getName()
                  + ", which has no @Default, and the module does not "
                  + "override codeChange; state of "
                  + current
                  + " could not be migrated. Declare a @Default, @Renamed if it was renamed, or override codeChange");
        }
      }
      List<String> dropped = had.stream().filter(c -> !taken.contains(c)).toList();
      if (!dropped.isEmpty() && !gained.isEmpty() && !overrides) {
        String problem =
            "record "
                + name
                + " of "
                + next
                + " drops "
                + dropped
                + " and gains "
                + gained
                + ": if one was renamed, declare @Renamed(\"old name\") on the new component; as it is, the values of "
                + dropped
                + " are dropped and "
                + gained
                + " take their defaults";
        if (Reachable.STRICT) {
          throw new CodeException(
              CodeException.Kind.BAD_CLASS,
              "module " + next + " cannot be loaded in strict mode: " + problem);
        }
        LOG.warn("{}", problem);
      }
    }
  }

  /**
   * Going back past a class rename: the class of {@code current} that declares {@code @Renamed}
   * with {@code name}, or null.
   */
  private static String backFrom(ModuleVersion current, String name) {
    String renamed = current.loader.renames().get(name);
    return renamed != null && current.bytes.containsKey(renamed) ? renamed : null;
  }

  /**
   * Links and initializes the module's records and behaviour classes now, and looks up their
   * constructors, so that the pause of a code change does not pay for bytecode verification and
   * reflection. A static initializer that fails refuses the load here, before anything switches.
   */
  private static void initializeBehaviours(ModuleVersion version) {
    for (String name : version.bytes.keySet()) {
      Class<?> type = version.loader.ownClass(name);
      if (!type.isRecord() && !GenServer.class.isAssignableFrom(type)) {
        continue;
      }
      try {
        Class.forName(name, true, version.loader);
        if (GenServer.class.isAssignableFrom(type)
            && !type.isInterface()
            && !java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
          // one instance now, so that the reflective accessor exists before any process switches;
          // callbacks hold no state, so an instance is only its class
          version.constructor(type).newInstance();
        }
      } catch (ReflectiveOperationException e) {
        throw new CodeException(
            CodeException.Kind.BAD_CLASS,
            "module "
                + version
                + ": behaviour "
                + name
                + " cannot be instantiated with its no-argument constructor: "
                + (e.getCause() == null ? e : e.getCause()),
            e);
      } catch (LinkageError e) {
        throw new CodeException(
            CodeException.Kind.BAD_CLASS,
            "module "
                + version
                + ": class "
                + name
                + " cannot be initialized: "
                + (e.getCause() == null ? e : e.getCause()),
            e);
      }
    }
  }

  private static boolean overridesCodeChange(ModuleVersion version) {
    for (String name : version.bytes.keySet()) {
      Class<?> type = version.loader.ownClass(name);
      if (GenServer.class.isAssignableFrom(type) && Overrides.codeChange(type)) {
        return true;
      }
    }
    return false;
  }
}
