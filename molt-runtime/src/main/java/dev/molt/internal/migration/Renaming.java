package dev.molt.internal.migration;

import dev.molt.code.Renamed;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.function.Function;

/**
 * What {@code @Renamed} means in either direction. Going forward, the new class or component names
 * its old name. Going back (a downgrade from the version that declared the rename), the old class
 * or component carries the annotation, and names the one it is now. An annotation left in place in
 * later versions is harmless: a name that still matches wins over it.
 */
public final class Renaming {
  private Renaming() {}

  /**
   * The name of the old component that feeds {@code component}: the one {@code @Renamed} names, or
   * one of the same name, or, going back, the old component that declares {@code @Renamed} with
   * {@code component}'s name. When none exists, the name {@code @Renamed} gave (so that the error
   * can name it) or the component's own.
   */
  public static String sourceComponent(RecordComponent component, RecordComponent[] olds) {
    Renamed renamed = component.getAnnotation(Renamed.class);
    String name = component.getName();
    if (renamed != null && has(olds, renamed.value())) {
      return renamed.value();
    }
    if (has(olds, name)) {
      return name;
    }
    for (RecordComponent old : olds) {
      Renamed back = old.getAnnotation(Renamed.class);
      if (back != null && back.value().equals(name) && !has(olds, name)) {
        return old.getName();
      }
    }
    return renamed != null ? renamed.value() : name;
  }

  private static boolean has(RecordComponent[] components, String name) {
    for (RecordComponent component : components) {
      if (component.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The class of the target that values of the old class {@code name} become: by a rename the
   * target declares, else by name, else, going back, the class the source's rename came from.
   *
   * @param targetRenames the target's renames, old binary name to new
   * @param sourceRenames the renames of the version {@code name} belongs to
   * @param lookup the target's class of a name, or null
   */
  public static <T> T targetClass(
      Map<String, String> targetRenames,
      Map<String, String> sourceRenames,
      String name,
      Function<String, T> lookup) {
    String renamed = targetRenames.get(name);
    T found = lookup.apply(renamed != null ? renamed : name);
    if (found != null || sourceRenames.isEmpty()) {
      return found;
    }
    for (Map.Entry<String, String> rename : sourceRenames.entrySet()) {
      if (rename.getValue().equals(name)) {
        return lookup.apply(rename.getKey());
      }
    }
    return null;
  }
}
