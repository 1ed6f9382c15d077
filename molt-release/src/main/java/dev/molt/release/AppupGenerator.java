package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.behaviour.GenServer;
import dev.molt.code.Default;
import dev.molt.release.AppupInstruction.AddModule;
import dev.molt.release.AppupInstruction.DeleteModule;
import dev.molt.release.AppupInstruction.LoadModule;
import dev.molt.release.AppupInstruction.Purge;
import dev.molt.release.AppupInstruction.Update;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.attribute.RecordComponentInfo;
import java.lang.classfile.constantpool.ClassEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * Writes an application's appup by comparing two builds of it with the JDK's ClassFile API, as
 * DESIGN asks: unchanged modules get no instruction; a module whose record or enum classes keep
 * their shape gets {@code load_module} (its processes switch at their next message, their state
 * mapped by name); a module whose records or enums changed shape gets {@code update} (suspend, code
 * change, resume); added and removed modules get {@code add_module} and {@code delete_module}. What
 * a person must finish is said in words: a record component that is new and has no {@code @Default}
 * while the module's servers do not override {@code codeChange}, a component whose type changed, an
 * enum constant that is gone.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class AppupGenerator {
  private static final String GEN_SERVER = GenServer.class.getName().replace('.', '/');
  private static final String DEFAULT = Default.class.descriptorString();

  private AppupGenerator() {}

  /** The appup and what a person must look at. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Result(Appup appup, List<String> notes) {
    public Result {
      notes = List.copyOf(notes);
    }

    /** The appup file: the notes as {@code # TO FINISH:} comments at the top, then the appup. */
    public String text(String header) {
      StringBuilder text = new StringBuilder("# ").append(header).append('\n');
      notes.forEach(note -> text.append("# TO FINISH: ").append(note).append('\n'));
      return text.append(appup.write()).toString();
    }
  }

  /**
   * As {@link #generate}, for an application moving to {@code newVersion} from each of {@code olds}
   * (version to its build); one transition each way per old version. Notes say which version they
   * come from.
   */
  public static Result generate(
      String application,
      Map<String, Map<String, Map<String, byte[]>>> olds,
      String newVersion,
      Map<String, Map<String, byte[]>> newBuild) {
    List<Appup.Transition> up = new ArrayList<>();
    List<Appup.Transition> down = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    olds.forEach(
        (oldVersion, oldBuild) -> {
          Result one = generate(application, oldVersion, oldBuild, newVersion, newBuild);
          up.addAll(one.appup().up());
          down.addAll(one.appup().down());
          one.notes().forEach(note -> notes.add("from " + oldVersion + ": " + note));
        });
    return new Result(new Appup(application, newVersion, up, down), notes);
  }

  /**
   * The classes of a jar, class name to bytes; an {@link java.io.IOException} if it is not a jar.
   */
  public static Map<String, byte[]> classesOf(byte[] jar) throws java.io.IOException {
    if (jar.length < 4 || jar[0] != 'P' || jar[1] != 'K' || jar[2] != 3 || jar[3] != 4) {
      throw new java.io.IOException("not a jar (no zip header)");
    }
    Map<String, byte[]> classes = new LinkedHashMap<>();
    try (var in = new java.util.jar.JarInputStream(new java.io.ByteArrayInputStream(jar))) {
      java.util.jar.JarEntry entry;
      while ((entry = in.getNextJarEntry()) != null) {
        if (entry.getName().endsWith(".class") && !entry.getName().endsWith("module-info.class")) {
          String className =
              entry
                  .getName()
                  .substring(0, entry.getName().length() - ".class".length())
                  .replace('/', '.');
          classes.put(className, in.readAllBytes());
        }
      }
    }
    return classes;
  }

  /**
   * Compares {@code oldBuild} (modules of {@code application} at {@code oldVersion}, each a map of
   * class name to class bytes) with {@code newBuild} at {@code newVersion}.
   */
  public static Result generate(
      String application,
      String oldVersion,
      Map<String, Map<String, byte[]>> oldBuild,
      String newVersion,
      Map<String, Map<String, byte[]>> newBuild) {
    List<AppupInstruction> up = new ArrayList<>();
    List<AppupInstruction> down = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (Map.Entry<String, Map<String, byte[]>> module : new TreeMap<>(newBuild).entrySet()) {
      String name = module.getKey();
      Map<String, byte[]> before = oldBuild.get(name);
      if (before == null) {
        up.add(new AddModule(name));
        down.add(new DeleteModule(name));
        continue;
      }
      Map<String, byte[]> after = module.getValue();
      if (sameBytes(before, after)) {
        continue;
      }
      List<String> changes = shapeChanges(name, before, after, notes);
      if (changes.isEmpty()) {
        up.add(new LoadModule(name));
        down.add(new LoadModule(name));
      } else {
        up.add(
            new Update(name, null, Appup.DEFAULT_TIMEOUT, Purge.BRUTAL, Purge.BRUTAL, List.of()));
        down.add(
            new Update(name, null, Appup.DEFAULT_TIMEOUT, Purge.BRUTAL, Purge.BRUTAL, List.of()));
      }
    }
    for (String name : new TreeMap<>(oldBuild).keySet()) {
      if (!newBuild.containsKey(name)) {
        up.add(new DeleteModule(name));
        down.add(new AddModule(name));
      }
    }
    Appup appup =
        new Appup(
            application,
            newVersion,
            List.of(new Appup.Transition(oldVersion, up)),
            List.of(new Appup.Transition(oldVersion, down)));
    return new Result(appup, notes);
  }

  private static boolean sameBytes(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> entry : a.entrySet()) {
      if (!Arrays.equals(entry.getValue(), b.get(entry.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The records and enums of the module that changed shape; notes what a person must finish. */
  private static List<String> shapeChanges(
      String module, Map<String, byte[]> before, Map<String, byte[]> after, List<String> notes) {
    Map<String, ClassModel> oldClasses = parse(before);
    Map<String, ClassModel> newClasses = parse(after);
    boolean overridesCodeChange;
    try {
      overridesCodeChange =
          newClasses.values().stream()
              .anyMatch(
                  c ->
                      implementsGenServer(c)
                          && c.methods().stream()
                              .anyMatch(m -> m.methodName().equalsString("codeChange")));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "module " + module + ": a class cannot be read: " + e.getMessage(), e);
    }
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, ClassModel> entry : newClasses.entrySet()) {
      ClassModel now = entry.getValue();
      ClassModel was = oldClasses.get(entry.getKey());
      if (was == null) {
        continue;
      }
      String simple = entry.getKey().replace('/', '.');
      try {
        compare(module, simple, was, now, overridesCodeChange, changed, notes);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "class " + simple + " cannot be read: " + e.getMessage(), e);
      }
    }
    return changed;
  }

  private static void compare(
      String module,
      String simple,
      ClassModel was,
      ClassModel now,
      boolean overridesCodeChange,
      List<String> changed,
      List<String> notes) {
    Map<String, RecordComponentInfo> oldComponents = components(was);
    Map<String, RecordComponentInfo> newComponents = components(now);
    if (oldComponents != null
        && newComponents != null
        && !shape(oldComponents).equals(shape(newComponents))) {
      changed.add(simple);
      for (RecordComponentInfo component : newComponents.values()) {
        RecordComponentInfo old = oldComponents.get(component.name().stringValue());
        if (old == null && !hasDefault(component) && !overridesCodeChange) {
          notes.add(
              "module "
                  + module
                  + ": record "
                  + simple
                  + " gains component "
                  + component.name().stringValue()
                  + " with no @Default, and no server of the module overrides codeChange: add a @Default or a codeChange");
        } else if (old != null
            && !old.descriptor().equalsString(component.descriptor().stringValue())
            && !overridesCodeChange) {
          notes.add(
              "module "
                  + module
                  + ": record "
                  + simple
                  + " changes the type of component "
                  + component.name().stringValue()
                  + " ("
                  + old.descriptor().stringValue()
                  + " to "
                  + component.descriptor().stringValue()
                  + "): override codeChange to convert it");
        }
      }
      for (String removed : oldComponents.keySet()) {
        if (!newComponents.containsKey(removed)) {
          notes.add(
              "module "
                  + module
                  + ": record "
                  + simple
                  + " loses component "
                  + removed
                  + "; its value is dropped "
                  + "when the state is migrated");
        }
      }
    }
    List<String> oldConstants = enumConstants(was);
    List<String> newConstants = enumConstants(now);
    if (oldConstants != null && newConstants != null && !oldConstants.equals(newConstants)) {
      changed.add(simple);
      for (String constant : oldConstants) {
        if (!newConstants.contains(constant)) {
          notes.add(
              "module "
                  + module
                  + ": enum "
                  + simple
                  + " loses constant "
                  + constant
                  + "; a state holding it fails to "
                  + "migrate unless codeChange handles it");
        }
      }
    }
  }

  private static Map<String, ClassModel> parse(Map<String, byte[]> classes) {
    Map<String, ClassModel> models = new LinkedHashMap<>();
    classes.forEach(
        (name, bytes) -> {
          try {
            models.put(name.replace('.', '/'), ClassFile.of().parse(bytes));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "class " + name + " cannot be read: " + e.getMessage(), e);
          }
        });
    return models;
  }

  private static boolean implementsGenServer(ClassModel model) {
    return model.interfaces().stream().map(ClassEntry::asInternalName).anyMatch(GEN_SERVER::equals);
  }

  /** A record's components by name, or null for a class that is not a record. */
  private static Map<String, RecordComponentInfo> components(ClassModel model) {
    return model
        .findAttribute(Attributes.record())
        .map(
            record -> {
              Map<String, RecordComponentInfo> components = new LinkedHashMap<>();
              record.components().forEach(c -> components.put(c.name().stringValue(), c));
              return components;
            })
        .orElse(null);
  }

  private static List<String> shape(Map<String, RecordComponentInfo> components) {
    return components.values().stream()
        .map(c -> c.name().stringValue() + ":" + c.descriptor().stringValue())
        .toList();
  }

  private static boolean hasDefault(RecordComponentInfo component) {
    return component
        .findAttribute(Attributes.runtimeVisibleAnnotations())
        .map(
            a ->
                a.annotations().stream()
                    .anyMatch(annotation -> annotation.className().equalsString(DEFAULT)))
        .orElse(false);
  }

  /** An enum's constants in order, or null for a class that is not an enum. */
  private static List<String> enumConstants(ClassModel model) {
    if ((model.flags().flagsMask() & ClassFile.ACC_ENUM) == 0) {
      return null;
    }
    return model.fields().stream()
        .filter(f -> (f.flags().flagsMask() & ClassFile.ACC_ENUM) != 0)
        .map(f -> f.fieldName().stringValue())
        .filter(Objects::nonNull)
        .toList();
  }
}
