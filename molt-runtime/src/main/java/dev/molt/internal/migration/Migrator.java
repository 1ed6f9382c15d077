package dev.molt.internal.migration;

import dev.molt.code.MigrationException;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine behind {@link dev.molt.code.Migration}: maps a value built from one version of a
 * module's classes to the classes of another version, by class name, as that page describes. One
 * instance maps one value, keeping the identity of what it reaches.
 *
 * <p><b>Iterative.</b> The value is walked depth first with a stack of frames of its own, not the
 * thread's: a chain of a million nested records migrates, or is refused, without a stack overflow.
 * A frame is a record, an array or a container whose parts are being mapped; when the last part is
 * done, the frame builds the new value from the mapped parts, and a container whose parts are all
 * unchanged is kept as it is. A part that leads back to a frame still on the stack is a cycle: a
 * mutable container gets its empty copy made then (filled when its frame ends), so cycles through
 * mutable containers come out as cycles; a cycle through records or immutable containers cannot be
 * built and is refused.
 *
 * <p><b>What passes.</b> Values of the JDK and of the stable layer, and of other modules, pass as
 * they are, except the JDK's containers ({@link Containers}), which are looked into. A class of
 * another version of the module (or of its copy on the application class path) is mapped: an enum
 * by constant name, a record by component ({@link RecordPlan}), anything else — a lambda, an
 * anonymous class, a plain object — is refused with the path that leads to it.
 *
 * <p><b>Plans</b> are computed once per pair of classes and kept with the old class; {@link
 * #forget} drops the plans of a purged version, so that an old version someone still holds does not
 * hold later ones.
 */
public final class Migrator {
  private static final ClassValue<Map<Class<?>, RecordPlan>> PLANS =
      new ClassValue<>() {
        @Override
        protected Map<Class<?>, RecordPlan> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  /**
   * For each class loader that plans build classes of, the classes whose plans do (weakly, both):
   * when that version is purged, the plans that lead to it are dropped wherever they are kept. A
   * long-lived caller holding one version's request class would otherwise keep, through that
   * class's plans, every version its requests were migrated to.
   */
  private static final Map<ClassLoader, Set<Class<?>>> SOURCES_BY_TARGET = new WeakHashMap<>();

  /** Keeps {@code plan} from {@code oldType} to {@code newType}, and where it is kept. */
  private static RecordPlan keep(Class<?> oldType, Class<?> newType, RecordPlan plan) {
    RecordPlan kept = PLANS.get(oldType).putIfAbsent(newType, plan);
    ClassLoader target = newType.getClassLoader();
    if (kept == null && target != oldType.getClassLoader()) {
      synchronized (SOURCES_BY_TARGET) {
        SOURCES_BY_TARGET
            .computeIfAbsent(target, t -> Collections.newSetFromMap(new WeakHashMap<>()))
            .add(oldType);
      }
    }
    return kept == null ? plan : kept;
  }

  /** What {@link #direct} returns for a value that needs a frame of its own. */
  private static final Object FRAME = new Object();

  private final ModuleClasses target;

  /**
   * Old object to new (or to itself when kept), for identity and cycles; made with the first frame,
   * so that a value mapped without one (a flat record: one per process in an install) allocates no
   * table.
   */
  private IdentityHashMap<Object, Object> mapped;

  /** Objects whose frame is on the stack, and the frame; made with the first frame. */
  private IdentityHashMap<Object, Frame> inProgress;

  private final String root;
  private Frame top;

  private Migrator(ModuleClasses target, String root) {
    this.target = target;
    this.root = root;
  }

  /** Maps {@code value} to the classes of {@code target}; {@code path} names it in errors. */
  public static Object to(ModuleClasses target, Object value, String path) {
    return new Migrator(target, path).run(value);
  }

  /**
   * Computes ahead the plans for every record class that {@code from} and {@code to} both define,
   * so that the pause of a code change does not pay for them. A class whose plan cannot be made is
   * left for the code change itself to report.
   */
  public static void prepare(ModuleClasses from, ModuleClasses to, Collection<String> classNames) {
    for (String name : classNames) {
      Class<?> oldType = from.ownClass(name);
      Class<?> newType = oldType == null ? null : targetClass(to, oldType);
      if (oldType == null || newType == null || !oldType.isRecord() || !newType.isRecord()) {
        continue;
      }
      try {
        if (!PLANS.get(oldType).containsKey(newType)) {
          keep(oldType, newType, RecordPlan.of(oldType, newType));
        }
      } catch (Refusal e) {
        // reported with its real path if a value of this class is ever migrated
      }
    }
  }

  /**
   * Drops the plans kept with the classes of a purged version. A plan refers to the newer class it
   * builds; without this, an old version that something still holds would hold every later one.
   */
  public static void forget(ModuleClasses purged) {
    for (Class<?> type : purged.definedClasses()) {
      PLANS.remove(type);
    }
    Set<Class<?>> sources;
    synchronized (SOURCES_BY_TARGET) {
      sources = SOURCES_BY_TARGET.remove(purged.loader());
    }
    if (sources != null) {
      ClassLoader gone = purged.loader();
      for (Class<?> source : List.copyOf(sources)) {
        PLANS.get(source).keySet().removeIf(type -> type.getClassLoader() == gone);
      }
    }
  }

  /**
   * Drops the plans from {@code from}'s classes to the classes of {@code target}, a version that
   * was prepared and then dropped without becoming current.
   */
  public static void forgetTarget(ModuleClasses from, ModuleClasses target) {
    for (Class<?> type : from.definedClasses()) {
      PLANS.get(type).keySet().removeIf(newType -> newType.getClassLoader() == target.loader());
    }
  }

  /**
   * Whether values of {@code type} must be mapped to reach {@code target}: a class of another
   * version of the same module, or a class of the same name loaded elsewhere (the copy on the
   * application class path). A fast check, made for every message a module's process receives.
   */
  public static boolean foreign(Class<?> type, ModuleClasses target) {
    ClassLoader loader = type.getClassLoader();
    return loader != target.loader()
        && ((loader instanceof ModuleClasses m && m.module().equals(target.module()))
            || (loader != null && target.owns(type.getName())));
  }

  /**
   * Whether a message of class {@code type} must go through migration to reach {@code target}: a
   * class of another version ({@link #foreign}), or a JDK container or object array, which may hold
   * one (a {@code List<Job>} sent by old code). A container with nothing to map costs one pass and
   * comes back as it is.
   */
  public static boolean mayHoldForeign(Class<?> type, ModuleClasses target) {
    if (type.getClassLoader() != null) {
      return foreign(type, target);
    }
    return type.isArray() ? !type.getComponentType().isPrimitive() : Containers.holds(type);
  }

  /**
   * The class of {@code target} that values of the old class {@code name} become: by
   * {@code @Renamed}, else by name.
   */
  private static Class<?> targetClass(ModuleClasses target, Class<?> oldType) {
    Map<String, String> sourceRenames =
        oldType.getClassLoader() instanceof ModuleClasses source ? source.renames() : Map.of();
    return Renaming.targetClass(
        target.renames(), sourceRenames, oldType.getName(), target::ownClass);
  }

  // ---- the walk --------------------------------------------------------------------------

  private Object run(Object value) {
    Object done;
    try {
      done = direct(value);
    } catch (Refusal refusal) {
      throw new MigrationException(root + refusal.label, refusal.getMessage());
    }
    if (done != FRAME) {
      return done;
    }
    push(value, -1);
    Object result = null;
    while (top != null) {
      Frame frame = top;
      if (frame.next < frame.parts.length) {
        int index = frame.next;
        Object part = frame.parts[index];
        if (frame.proven != null && proven(frame.proven[index], part)) {
          frame.done(index, part);
          continue;
        }
        Object mappedPart = partOf(part, index);
        if (mappedPart != FRAME) {
          frame.done(index, mappedPart);
        } else {
          push(part, index);
        }
        continue;
      }
      Object built;
      try {
        built = frame.build(this);
      } catch (Refusal refusal) {
        throw refused(frame, refusal);
      }
      inProgress.remove(frame.old);
      mapped.put(frame.old, built);
      top = frame.parent;
      if (top == null) {
        result = built;
      } else {
        top.done(frame.indexInParent, built);
      }
    }
    return result;
  }

  /**
   * A part of the frame on top: its mapping, or {@link #FRAME}. A cycle back to a frame gets that
   * frame's early copy.
   */
  private Object partOf(Object part, int index) {
    try {
      return direct(part);
    } catch (Refusal refusal) {
      throw refused(top, new Refusal(top.label(index) + refusal.label, refusal.getMessage()));
    } catch (Cycle cycle) {
      Object early = cycle.frame.early(this);
      if (early == null) {
        throw refused(
            top,
            new Refusal(
                top.label(index),
                cycle.frame.what()
                    + " is part of a cycle through records or immutable containers, which cannot be rebuilt; handle it in codeChange"));
      }
      return early;
    }
  }

  /** A value met again while its own frame is still open. */
  private static final class Cycle extends RuntimeException {
    final transient Frame frame;

    Cycle(Frame frame) {
      super(null, null, false, false);
      this.frame = frame;
    }
  }

  /**
   * The last class met as a flat record, and its plan: a state is often many records of one class.
   */
  private Class<?> lastType;

  private RecordPlan lastPlan;

  /**
   * The mapping of a value that needs no frame (null, a leaf, one already mapped, an enum, a record
   * that holds no value to look into), or {@link #FRAME}.
   *
   * <p>Enum constants and records that hold only JDK values (flat records, made by a generated
   * {@link Converter}) are values: they are not tracked by identity, so a flat record reached twice
   * comes back as two equal records. Everything else keeps its identity, which costs a hash table
   * entry per object.
   */
  private Object direct(Object value) {
    if (value == null) {
      return null;
    }
    Class<?> type = value.getClass();
    if (type == lastType) {
      return convert(lastPlan, value);
    }
    if (type.getClassLoader() == null) {
      if (type.isArray() ? type.getComponentType().isPrimitive() : !Containers.holds(type)) {
        return value; // a JDK value
      }
      if (type == Class.class) {
        return classOf((Class<?>) value);
      }
      if (!type.isArray() && Containers.of(value).allValues(value, Migrator::jdkValue)) {
        return value; // a container of JDK values, kept after one pass and no copy
      }
    } else if (!type.isArray() && !foreign(type, target)) {
      return value; // the target's own, another module's, the stable layer's
    }
    if (!type.isArray() && type.getClassLoader() != null) {
      // a class of another version of the module
      if (type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum())) {
        return constant((Enum<?>) value);
      }
      if (!type.isRecord()) {
        throw new Refusal(
            unmappable(value, type)
                + " of "
                + describe(type)
                + " cannot be migrated; handle it in codeChange");
      }
      RecordPlan plan = plan(type);
      if (plan.flat()) {
        lastType = type;
        lastPlan = plan;
        return convert(plan, value);
      }
    }
    if (mapped == null) {
      return FRAME;
    }
    Object done = mapped.get(value);
    if (done != null) {
      return done;
    }
    Frame open = inProgress.get(value);
    if (open != null) {
      throw new Cycle(open);
    }
    return FRAME;
  }

  /** A flat record converted; a canonical constructor that refuses the values is named. */
  private static Object convert(RecordPlan plan, Object value) {
    try {
      return plan.converter().convert(value);
    } catch (RuntimeException | LinkageError e) {
      throw new Refusal(
          "the constructor of "
              + plan.newType().getName()
              + " refused the migrated values: "
              + e
              + "; handle it in codeChange");
    }
  }

  /**
   * Whether {@code part} is kept as it is given what its declared type proves: everything for a
   * type that holds no module value; for a map whose keys cannot be module objects, when its values
   * are all JDK values (one pass over them).
   */
  private static boolean proven(Leaves proof, Object part) {
    if (proof == Leaves.NONE) {
      return false;
    }
    if (part == null || jdkValue(part)) {
      return true;
    }
    // the declared type names the elements, not the container: a Collection<String> may be a
    // TreeSet ordered by a module comparator, a List<String> a module's own subclass of ArrayList
    Containers.Kind kind = part.getClass().getClassLoader() == null ? Containers.of(part) : null;
    if (kind == null || !kind.extrasAreValues(part, Migrator::jdkValue)) {
      return false;
    }
    return proof == Leaves.ALL || kind.allMapValues(part, Migrator::jdkValue);
  }

  /** Whether {@code value} passes as it is without a look inside: null or a JDK value. */
  private static boolean jdkValue(Object value) {
    if (value == null) {
      return true;
    }
    Class<?> type = value.getClass();
    return type == String.class
        || type == Integer.class
        || type == Long.class
        || (type.getClassLoader() == null
            && (type.isArray() ? type.getComponentType().isPrimitive() : !Containers.holds(type)));
  }

  private void push(Object value, int indexInParent) {
    Frame frame = new Frame(value, top, indexInParent);
    Class<?> type = value.getClass();
    try {
      if (type.isArray()) {
        Object[] elements = (Object[]) value;
        frame.parts = java.util.Arrays.copyOf(elements, elements.length, Object[].class);
        frame.array = true;
        // an array of a class of another version is a new array even when no element changes
        Class<?> component = type.getComponentType();
        frame.changed = component.getClassLoader() != null && foreign(component, target);
      } else if (type.getClassLoader() == null) {
        frame.kind = Containers.of(value);
        frame.parts = frame.kind.parts(value);
      } else {
        frame.plan = plan(type);
        frame.parts = frame.plan.read(value);
        frame.proven = frame.plan.proven();
      }
    } catch (Refusal refusal) {
      throw refused(
          top,
          new Refusal(
              (top == null ? "" : top.label(indexInParent)) + refusal.label, refusal.getMessage()));
    }
    if (inProgress == null) {
      inProgress = new IdentityHashMap<>();
      mapped = new IdentityHashMap<>();
    }
    inProgress.put(value, frame);
    top = frame;
  }

  private RecordPlan plan(Class<?> oldType) {
    Class<?> newType = targetClass(target, oldType);
    if (newType == null) {
      throw new Refusal(
          oldType.getName()
              + " of "
              + describe(oldType)
              + " no longer exists in "
              + describe(target)
              + "; declare @Renamed(\""
              + oldType.getName()
              + "\") on the class that replaces it, or handle it in codeChange");
    }
    RecordPlan plan = PLANS.get(oldType).get(newType);
    return plan != null ? plan : keep(oldType, newType, RecordPlan.of(oldType, newType));
  }

  /**
   * A class object held in state: a class of another version becomes the target's class of the same
   * name (an array class, the array of it), so that {@code type.isInstance(x)} and {@code
   * type.cast(x)} keep working on the migrated objects.
   */
  private Class<?> classOf(Class<?> value) {
    Class<?> element = value;
    int dimensions = 0;
    while (element.isArray()) {
      element = element.getComponentType();
      dimensions++;
    }
    if (element.getClassLoader() == null || !foreign(element, target)) {
      return value;
    }
    Class<?> mapped = targetClass(target, element);
    if (mapped == null) {
      throw new Refusal(
          "the class "
              + element.getName()
              + " of "
              + describe(element)
              + " no longer exists in "
              + describe(target)
              + "; declare @Renamed(\""
              + element.getName()
              + "\") on the class that replaces it, or handle it in codeChange");
    }
    for (int i = 0; i < dimensions; i++) {
      mapped = mapped.arrayType();
    }
    return mapped;
  }

  private Object constant(Enum<?> value) {
    Class<?> enumType = value.getDeclaringClass();
    Class<?> newType = targetClass(target, enumType);
    if (newType != null && newType.isEnum()) {
      for (Object candidate : newType.getEnumConstants()) {
        if (((Enum<?>) candidate).name().equals(value.name())) {
          return candidate;
        }
      }
    }
    throw new Refusal(
        "enum constant "
            + enumType.getSimpleName()
            + "."
            + value.name()
            + " of "
            + describe(enumType)
            + " no longer exists in "
            + describe(target)
            + "; handle it in codeChange");
  }

  private static String unmappable(Object value, Class<?> type) {
    if (type.isHidden() || type.isSynthetic()) {
      return "lambda";
    }
    if (type.isAnonymousClass()) {
      return "anonymous class " + type.getName();
    }
    if (value instanceof Thread) {
      return "thread";
    }
    if (value instanceof ClassLoader) {
      return "class loader";
    }
    return "instance of " + type.getName() + " (not a record or an enum)";
  }

  private static String describe(ModuleClasses classes) {
    return classes.version() == 0
        ? classes.module() + " as the application class path has it"
        : classes.module() + " v" + classes.version();
  }

  private static String describe(Class<?> type) {
    return type.getClassLoader() instanceof ModuleClasses m
        ? m.module() + " v" + m.version()
        : "the application class path";
  }

  /** A refusal at {@code frame}, with the path from the root to it. */
  private MigrationException refused(Frame frame, Refusal refusal) {
    StringBuilder path = new StringBuilder(refusal.label);
    for (Frame f = frame; f != null && f.parent != null; f = f.parent) {
      path.insert(0, f.parent.label(f.indexInParent));
    }
    return new MigrationException(root + path, refusal.getMessage());
  }

  /** A value whose parts are being mapped. */
  private static final class Frame {
    final Object old;
    final Frame parent;
    final int indexInParent;

    /** The parts to map, each replaced by its mapping once done. */
    Object[] parts;

    /** For a record, what each component's declared type proves about its value. */
    Leaves[] proven;

    int next;
    boolean changed;
    boolean array;
    Containers.Kind kind;
    RecordPlan plan;

    /** The empty copy made for a cycle back to this frame. */
    Object early;

    boolean earlyMade;

    Frame(Object old, Frame parent, int indexInParent) {
      this.old = old;
      this.parent = parent;
      this.indexInParent = indexInParent;
    }

    void done(int index, Object result) {
      if (result != parts[index]) {
        changed = true;
        parts[index] = result;
      }
      next = index + 1;
    }

    /**
     * The copy a cycle back to this value gets; null when none can be made before the parts are
     * done.
     */
    Object early(Migrator migrator) {
      if (!earlyMade) {
        earlyMade = true;
        if (array) {
          Class<?> component = old.getClass().getComponentType();
          Class<?> mappedComponent =
              component.getClassLoader() != null && foreign(component, migrator.target)
                  ? targetClass(migrator.target, component)
                  : component;
          early = mappedComponent == null ? null : Array.newInstance(mappedComponent, parts.length);
        } else if (kind != null) {
          early = kind.empty(old, parts);
        }
      }
      return early;
    }

    Object build(Migrator migrator) {
      if (plan != null) {
        return plan.build(parts);
      }
      if (!changed && !earlyMade) {
        return old;
      }
      if (array) {
        Object[] copy = (Object[]) early(migrator);
        if (copy == null) {
          throw new Refusal(
              old.getClass().getComponentType().getName() + " no longer exists in the new version");
        }
        System.arraycopy(parts, 0, copy, 0, parts.length);
        return copy;
      }
      Object rebuilt = kind.rebuild(old, early, parts);
      lost(rebuilt);
      return rebuilt;
    }

    /**
     * Refuses a rebuilt set or map that came out smaller than the old one: two elements or keys
     * that the old version told apart are equal under the new version's {@code equals}, {@code
     * hashCode} or comparator, and one of them would be lost without a word.
     */
    private void lost(Object rebuilt) {
      int before;
      int after;
      if (old instanceof Map<?, ?> oldMap && rebuilt instanceof Map<?, ?> newMap) {
        before = oldMap.size();
        after = newMap.size();
      } else if (old instanceof Collection<?> oldOnes && rebuilt instanceof Collection<?> newOnes) {
        before = oldOnes.size();
        after = newOnes.size();
      } else {
        return;
      }
      if (after < before) {
        throw new Refusal(
            "the rebuilt "
                + old.getClass().getName()
                + " holds "
                + after
                + " of its "
                + before
                + (old instanceof Map ? " keys" : " elements")
                + ": the new version's equals, hashCode or comparator finds some of them equal;"
                + " merge them in codeChange");
      }
    }

    String label(int index) {
      if (array) {
        return "[" + index + "]";
      }
      if (plan != null) {
        return "." + plan.used()[index];
      }
      return kind.label(parts, index);
    }

    String what() {
      return plan != null ? "record " + old.getClass().getName() : old.getClass().getName();
    }
  }
}
