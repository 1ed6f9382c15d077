package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.behaviour.GenServer;
import dev.molt.code.Default;
import dev.molt.release.AppupInstruction.AddModule;
import dev.molt.release.AppupInstruction.DeleteModule;
import dev.molt.release.AppupInstruction.LoadModule;
import dev.molt.release.AppupInstruction.Purge;
import dev.molt.release.AppupInstruction.Update;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * Writes an application's appup by comparing two builds of it with the JDK's ClassFile API, judging
 * each change as the runtime will migrate it ({@code ModuleDiff}): unchanged modules get no
 * instruction; a module whose records, enums and classes keep their shape, and holds nothing the
 * runtime cannot move, gets {@code load_module} (its processes switch at their next message, their
 * state mapped by name); any other changed module gets {@code update} (suspend, code change,
 * resume); added and removed modules get {@code add_module} and {@code delete_module}. What a
 * person must finish, because the runtime would refuse the change without their code, is a note;
 * what the runtime does that a person may want to know (values it drops) is a remark. See
 * docs/code-loading.md for the rules both follow.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class AppupGenerator {
  private static final String GEN_SERVER = GenServer.class.getName().replace('.', '/');
  private static final String DEFAULT = Default.class.descriptorString();

  private AppupGenerator() {}

  /**
   * The appup; what a person must finish before the runtime can move the processes ({@code notes}:
   * without that person's code the runtime refuses the change); and what the runtime will do that a
   * person may want to know ({@code remarks}: a dropped component's values, say).
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Result(Appup appup, List<String> notes, List<String> remarks) {
    public Result {
      notes = List.copyOf(notes);
      remarks = List.copyOf(remarks);
    }

    /**
     * The appup file: the notes as {@code # TO FINISH:} comments at the top, the remarks as {@code
     * # NOTE:}, then the appup.
     */
    public String text(String header) {
      StringBuilder text = new StringBuilder("# ").append(header).append('\n');
      notes.forEach(note -> text.append("# TO FINISH: ").append(note).append('\n'));
      remarks.forEach(remark -> text.append("# NOTE: ").append(remark).append('\n'));
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
    return generate(application, olds, newVersion, newBuild, java.util.Set.of());
  }

  /**
   * As above, where the modules named in {@code libraries} are libraries the application carries (a
   * third-party jar): one that changed is loaded ({@code load_module}, which relinks the
   * application's code to it), without judging its classes as the application's own, which no
   * server runs.
   */
  public static Result generate(
      String application,
      Map<String, Map<String, Map<String, byte[]>>> olds,
      String newVersion,
      Map<String, Map<String, byte[]>> newBuild,
      java.util.Set<String> libraries) {
    List<Appup.Transition> up = new ArrayList<>();
    List<Appup.Transition> down = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> remarks = new ArrayList<>();
    olds.forEach(
        (oldVersion, oldBuild) -> {
          Result one = generate(application, oldVersion, oldBuild, newVersion, newBuild, libraries);
          up.addAll(one.appup().up());
          down.addAll(one.appup().down());
          one.notes().forEach(note -> notes.add("from " + oldVersion + ": " + note));
          one.remarks().forEach(remark -> remarks.add("from " + oldVersion + ": " + remark));
        });
    return new Result(new Appup(application, newVersion, up, down), notes, remarks);
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
    return generate(application, oldVersion, oldBuild, newVersion, newBuild, java.util.Set.of());
  }

  private static Result generate(
      String application,
      String oldVersion,
      Map<String, Map<String, byte[]>> oldBuild,
      String newVersion,
      Map<String, Map<String, byte[]>> newBuild,
      java.util.Set<String> libraries) {
    List<AppupInstruction> up = new ArrayList<>();
    List<AppupInstruction> down = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> remarks = new ArrayList<>();
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
      if (libraries.contains(name)) {
        up.add(new LoadModule(name));
        down.add(new LoadModule(name));
        remarks.add(
            "library "
                + name
                + " changed: it is loaded and the application's code relinked to it; objects of"
                + " its classes kept in a process's state stay of the old version (map them in"
                + " codeChange, or keep the library in the stable layer)");
        continue;
      }
      ModuleDiff diff = ModuleDiff.of(name, before, after);
      notes.addAll(diff.notes);
      remarks.addAll(diff.remarks);
      if (diff.changed.isEmpty() && diff.notes.isEmpty()) {
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
    return new Result(appup, notes, remarks);
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
}
