package dev.molt.release;

import dev.molt.behaviour.GenServer;
import dev.molt.code.Default;
import dev.molt.code.Renamed;
import java.lang.classfile.Annotation;
import java.lang.classfile.AnnotationElement;
import java.lang.classfile.AnnotationValue;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassSignature;
import java.lang.classfile.FieldModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Signature;
import java.lang.classfile.attribute.RecordComponentInfo;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.reflect.AccessFlag;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One module's two builds compared the way the runtime will migrate between them, so that the
 * generated appup says {@code update} and a must-finish note for everything the runtime would
 * refuse or lose, and nothing for what it migrates exactly.
 *
 * <p><b>The state graph.</b> What the module's processes hold is found from the type each of its
 * {@code GenServer} classes declares for its state ({@code implements GenServer<State>}, read from
 * the {@code Signature} attribute), then every record component's generic type, element types of
 * the JDK's collections, maps, optionals, atomics and entries, the cases of sealed and other module
 * interfaces, and, under a type the JDK leaves open ({@code Object}, {@code Comparable}, a
 * functional interface), every module class that could be there. A module without a {@code
 * GenServer} (a library of types other modules hold) has all its records and enums in the graph.
 *
 * <p><b>What is judged</b>, for classes in the graph, as the runtime does it: a record's components
 * matched by name or {@code @Renamed}; a gained component needs a {@code @Default}; a component
 * dropped while another appears is a rename that was not declared; a component whose type changed
 * must widen (the new type admits every value of the old: {@code Integer} to {@code Number}, {@code
 * List<String>} to {@code Collection<String>}), else its values will not fit; an enum constant that
 * is gone; a class that vanished without a successor declaring {@code @Renamed}; a class of the
 * module that is not a record or an enum (a plain object, an anonymous class), and a lambda of the
 * module under a functional interface, which migration cannot rebuild. Every class that both builds
 * have is checked for mutable statics without a {@code static void codeChange(Class<?> previous)}
 * to carry them. A module whose server overrides {@code codeChange} has a person's code for its
 * state: what the runtime would refuse becomes a remark to check that code against.
 */
final class ModuleDiff {
  private static final String GEN_SERVER = internal(GenServer.class);
  private static final String DEFAULT = Default.class.descriptorString();
  private static final String RENAMED = Renamed.class.descriptorString();
  private static final String LAMBDA_FACTORY = "java.lang.invoke.LambdaMetafactory";

  private final String module;
  private final Map<String, ClassModel> olds;
  private final Map<String, ClassModel> news;

  /** Old internal name to new, from {@code @Renamed} on classes of the new build. */
  private final Map<String, String> renames;

  private final boolean overridesCodeChange;

  /** Interfaces that lambdas of the old build implement. */
  private final Set<String> lambdaTypes;

  /** Classes (binary names) whose shape changed: their module needs an update. */
  final Set<String> changed = new TreeSet<>();

  /** What a person must finish before the runtime can move the module's processes. */
  final List<String> notes = new ArrayList<>();

  /** What the runtime does that a person may want to know (a value dropped, say). */
  final List<String> remarks = new ArrayList<>();

  /** Old module classes in the state graph, each with the first path that reaches it. */
  private final Map<String, String> inState = new LinkedHashMap<>();

  private ModuleDiff(String module, Map<String, ClassModel> olds, Map<String, ClassModel> news) {
    this.module = module;
    this.olds = olds;
    this.news = news;
    this.renames = renames(news);
    this.overridesCodeChange =
        news.values().stream()
            .anyMatch(
                c ->
                    isGenServer(c, news)
                        && c.methods().stream()
                            .anyMatch(
                                m -> m.methodName().equalsString("codeChange") && !isStatic(m)));
    this.lambdaTypes = lambdaTypes(olds.values());
  }

  /** Compares two builds of {@code module}, each class name (binary) to its bytes. */
  static ModuleDiff of(String module, Map<String, byte[]> before, Map<String, byte[]> after) {
    ModuleDiff diff = new ModuleDiff(module, parse(module, before), parse(module, after));
    try {
      diff.run();
    } catch (IllegalArgumentException
        | IndexOutOfBoundsException
        | NegativeArraySizeException
        | IllegalStateException
        | ClassCastException e) {
      // the ClassFile API reads lazily: a damaged attribute or method body shows only when used,
      // as whatever its parser throws (a negative array size for a damaged code attribute, say)
      throw new IllegalArgumentException("module " + module + ": a class cannot be read: " + e, e);
    }
    return diff;
  }

  private void run() {
    walkState();
    // a class that only the new build has changes nothing that is migrated (a new case of a
    // sealed interface changes the interface's class file, which is compared)
    for (String name : olds.keySet()) {
      compare(name, inState.get(name));
    }
    statics();
  }

  // ---- the state graph -------------------------------------------------------------------

  private void walkState() {
    List<ClassModel> servers =
        olds.values().stream().filter(c -> isGenServer(c, olds) && !isAbstract(c)).toList();
    if (servers.isEmpty()) {
      for (Map.Entry<String, ClassModel> entry : olds.entrySet()) {
        if (isValueClass(entry.getValue())) {
          inState.putIfAbsent(entry.getKey(), "a value of module " + module);
        }
      }
      return;
    }
    Deque<Object[]> work = new ArrayDeque<>();
    for (ClassModel server : servers) {
      String name = internalName(server);
      inState.putIfAbsent(name, "the callbacks of " + binary(name));
      Signature state = stateType(server);
      if (state != null) {
        work.push(new Object[] {state, simple(name) + ".state"});
      }
    }
    while (!work.isEmpty()) {
      Object[] item = work.pop();
      walkType((Signature) item[0], (String) item[1], work);
    }
  }

  /** The type argument of {@code GenServer<S>} in the server's class signature (or its supers). */
  private Signature stateType(ClassModel server) {
    ClassModel type = server;
    while (type != null) {
      Optional<ClassSignature> signature =
          type.findAttribute(Attributes.signature()).map(s -> s.asClassSignature());
      if (signature.isPresent()) {
        for (Signature.ClassTypeSig parent : signature.get().superinterfaceSignatures()) {
          if (parent.className().equals(GEN_SERVER) && parent.typeArgs().size() == 1) {
            return parent.typeArgs().getFirst() instanceof Signature.TypeArg.Bounded bounded
                ? bounded.boundType()
                : null;
          }
        }
      }
      type = type.superclass().map(e -> olds.get(e.asInternalName())).orElse(null);
    }
    return null;
  }

  private void walkType(Signature type, String path, Deque<Object[]> work) {
    switch (type) {
      case Signature.BaseTypeSig base -> {}
      case Signature.ArrayTypeSig array ->
          work.push(new Object[] {array.componentSignature(), path + "[]"});
      case Signature.TypeVarSig variable -> open("java/lang/Object", path, work);
      case Signature.ClassTypeSig classType -> {
        String name = className(classType);
        if (olds.containsKey(name)) {
          visit(name, path, work);
          return;
        }
        Class<?> jdk = Jdk.type(name);
        if (jdk == null) {
          return; // a library's class: its own code, not this module's
        }
        List<Signature> args = new ArrayList<>();
        for (Signature.TypeArg arg : classType.typeArgs()) {
          args.add(
              arg instanceof Signature.TypeArg.Bounded bounded
                      && bounded.wildcardIndicator()
                          != Signature.TypeArg.Bounded.WildcardIndicator.SUPER
                  ? bounded.boundType()
                  : Signature.ClassTypeSig.of("java/lang/Object"));
        }
        if (Map.class.isAssignableFrom(jdk) && args.size() == 2) {
          work.push(new Object[] {args.get(0), path + ".key"});
          work.push(new Object[] {args.get(1), path + "{}"});
        } else if (Map.Entry.class.isAssignableFrom(jdk) && args.size() == 2) {
          work.push(new Object[] {args.get(0), path + ".getKey()"});
          work.push(new Object[] {args.get(1), path + ".getValue()"});
        } else if (Collection.class.isAssignableFrom(jdk) && args.size() == 1) {
          work.push(new Object[] {args.get(0), path + "[]"});
        } else if (Jdk.HOLDERS.contains(jdk) && args.size() == 1) {
          work.push(new Object[] {args.get(0), path + ".get()"});
        }
        if (Jdk.sorted(jdk)) {
          // the order is part of the value: a comparator of the module is migrated with it
          open("java/util/Comparator", path + ".comparator()", work);
        }
        if (!Modifier.isFinal(jdk.getModifiers())) {
          open(name, path, work);
        }
      }
    }
  }

  /**
   * A spot whose declared type ({@code bound}, a JDK type that is not final) leaves open which
   * class is there: every module class that can be one is in the graph; a lambda of the module can
   * be there if the type is a functional interface that a lambda of the module implements.
   */
  private void open(String bound, String path, Deque<Object[]> work) {
    Class<?> type = Jdk.type(bound);
    for (Map.Entry<String, ClassModel> entry : olds.entrySet()) {
      ClassModel model = entry.getValue();
      if (isAbstract(model)
          || isGenServer(model, olds)
          || model.flags().has(AccessFlag.SYNTHETIC)
          || !subtypeOf(entry.getKey(), bound, olds)) {
        continue;
      }
      if (type == Object.class && !isValueClass(model) && !hasInstanceFields(model)) {
        continue; // a class with nothing in it is not a value anyone keeps under Object
      }
      visit(entry.getKey(), path, work);
    }
    if (type != null && type.isInterface() && Jdk.functional(type)) {
      for (String lambda : lambdaTypes) {
        if (subtypeOf(lambda, bound, olds)) {
          finding(
              path,
              "may hold a lambda or method reference of the module ("
                  + binary(lambda)
                  + "), which migration cannot rebuild: hold a record implementing "
                  + binary(bound)
                  + " instead, or build the new value in codeChange");
          return;
        }
      }
    }
  }

  private void visit(String name, String path, Deque<Object[]> work) {
    if (inState.putIfAbsent(name, path) != null) {
      return;
    }
    ClassModel model = olds.get(name);
    Map<String, RecordComponentInfo> components = components(model);
    if (components != null) {
      for (RecordComponentInfo component : components.values()) {
        work.push(new Object[] {typeOf(component), path + "." + component.name().stringValue()});
      }
    } else if (isAbstract(model)) {
      for (Map.Entry<String, ClassModel> entry : olds.entrySet()) {
        if (!entry.getKey().equals(name) && subtypeOf(entry.getKey(), name, olds)) {
          visit(entry.getKey(), path, work);
        }
      }
      if (model.flags().has(AccessFlag.INTERFACE) && lambdaTypes.contains(name)) {
        finding(
            path,
            "may hold a lambda of the module implementing "
                + binary(name)
                + ", which migration cannot rebuild: implement it with a record, or build the new value in codeChange");
      }
    } else if ((model.flags().flagsMask() & ClassFile.ACC_ENUM) == 0) {
      finding(
          path,
          "holds "
              + binary(name)
              + ", a class of the module that is not a record or an enum, which migration cannot rebuild: make it a record, or build the new value in codeChange");
    }
  }

  // ---- the classes -----------------------------------------------------------------------

  /** Compares old class {@code name} with its successor; {@code path} is where state holds it. */
  private void compare(String name, String path) {
    ClassModel was = olds.get(name);
    String successor = renames.getOrDefault(name, name);
    ClassModel now = news.get(successor);
    boolean server = isGenServer(was, olds) && !isAbstract(was);
    if (now == null) {
      if (server) {
        notes.add(
            "module "
                + module
                + ": server class "
                + binary(name)
                + " is gone, so its processes have no code to move to: declare @Renamed(\""
                + binary(name)
                + "\") on the class that replaces it");
        changed.add(binary(name));
      } else if (isValueClass(was)) {
        changed.add(binary(name));
        finding(
            path,
            (components(was) != null ? "record " : "enum ")
                + binary(name)
                + " is gone: a value of it cannot be migrated. If it was renamed or moved, declare @Renamed(\""
                + binary(name)
                + "\") on its successor");
      }
      return;
    }
    if (!successor.equals(name)) {
      changed.add(binary(name) + " -> " + binary(successor));
    }
    Map<String, RecordComponentInfo> oldComponents = components(was);
    Map<String, RecordComponentInfo> newComponents = components(now);
    if (oldComponents != null && newComponents == null) {
      changed.add(binary(name));
      finding(
          path,
          "record "
              + binary(name)
              + " is not a record any more: migration cannot build the new class; build it in codeChange");
    } else if (oldComponents != null) {
      compareRecords(name, successor, oldComponents, newComponents, path);
      if (path != null && !equality(was).equals(equality(now))) {
        changed.add(binary(name)); // sets and maps holding it are rebuilt under the new equality
        remarks.add(
            "module "
                + module
                + ": "
                + path
                + ": record "
                + binary(successor)
                + " changes its equals, hashCode or compareTo: in a set, among a map's keys or in a"
                + " sorted collection, two values that the old build told apart may be equal in the"
                + " new one, and the change is then refused with the count of each; merge them in"
                + " codeChange if that can happen");
      }
    }
    List<String> oldConstants = enumConstants(was);
    List<String> newConstants = enumConstants(now);
    if (oldConstants != null && !oldConstants.equals(newConstants)) {
      changed.add(binary(name));
      if (newConstants == null) {
        finding(
            path,
            "enum " + binary(name) + " is not an enum any more: build its values in codeChange");
      } else {
        List<String> gone = oldConstants.stream().filter(c -> !newConstants.contains(c)).toList();
        if (!gone.isEmpty()) {
          finding(
              path,
              "enum "
                  + binary(name)
                  + " loses "
                  + (gone.size() == 1 ? "constant " + gone.getFirst() : "constants " + gone)
                  + ": a value holding it cannot be migrated; map it to another constant in codeChange");
        }
      }
    }
  }

  private void compareRecords(
      String name,
      String successor,
      Map<String, RecordComponentInfo> olds,
      Map<String, RecordComponentInfo> news,
      String path) {
    String record = binary(successor);
    List<String> shapeBefore = shape(olds);
    List<String> shapeAfter = new ArrayList<>();
    Set<String> taken = new LinkedHashSet<>();
    List<String> gained = new ArrayList<>();
    for (RecordComponentInfo component : news.values()) {
      String newName = component.name().stringValue();
      String renamedFrom = annotationValue(component, RENAMED);
      String from = sourceComponent(newName, renamedFrom, olds);
      RecordComponentInfo old = olds.get(from);
      shapeAfter.add(newName + ":" + typeOf(component));
      if (old == null) {
        if (renamedFrom != null) {
          notes.add(
              "module "
                  + module
                  + ": record "
                  + record
                  + " component "
                  + newName
                  + " is @Renamed(\""
                  + renamedFrom
                  + "\"), but "
                  + binary(name)
                  + " has no component "
                  + renamedFrom
                  + " (it has "
                  + olds.keySet()
                  + ")");
          continue;
        }
        gained.add(newName);
        if (annotationValue(component, DEFAULT) == null) {
          atLoad(
              path,
              "record "
                  + record
                  + " gains component "
                  + newName
                  + " with no @Default: declare one, @Renamed if it was renamed, or build the state in codeChange");
        }
        continue;
      }
      taken.add(from);
      Signature before = typeOf(old);
      Signature after = typeOf(component);
      if (!widens(before, after)) {
        finding(
            path == null ? null : path + "." + newName,
            "record "
                + record
                + " changes component "
                + newName
                + " from "
                + Jdk.show(before)
                + " to "
                + Jdk.show(after)
                + ", which does not admit every old value: convert it in codeChange (Migration.component(oldState, \""
                + from
                + "\") reads the old value)");
      }
    }
    List<String> dropped = olds.keySet().stream().filter(c -> !taken.contains(c)).toList();
    if (!dropped.isEmpty() && !gained.isEmpty()) {
      atLoad(
          path,
          "record "
              + record
              + " drops "
              + dropped
              + " while it gains "
              + gained
              + ": if one was renamed, declare @Renamed(\"old name\") on the new component; as it is, the old values are lost");
    } else if (!dropped.isEmpty()) {
      remarks.add(
          "module "
              + module
              + ": record "
              + record
              + " drops "
              + dropped
              + "; their values are dropped when the state is migrated (two values that"
              + " differed only in them become equal: a set or map holding both refuses the change)");
    }
    if (!shapeBefore.equals(shapeAfter)) {
      changed.add(binary(name));
    }
  }

  /**
   * A change the runtime refuses when it prepares the load, whatever the processes hold (a gained
   * component with no default; in strict mode, a rename not declared): a note, unless the module
   * overrides codeChange.
   */
  private void atLoad(String path, String what) {
    String text = "module " + module + ": " + (path == null ? "" : path + ": ") + what;
    if (overridesCodeChange) {
      remarks.add(text + " (the module overrides codeChange: check that it does)");
    } else {
      notes.add(text);
    }
  }

  /**
   * A change the runtime refuses: a note when a value in state meets it ({@code path} not null) and
   * the module leaves its state to the default migration; else a remark.
   */
  private void finding(String path, String what) {
    String text = "module " + module + ": " + (path == null ? "" : path + ": ") + what;
    if (path == null) {
      remarks.add(text + " (no process of the module holds one in its state)");
    } else if (overridesCodeChange) {
      remarks.add(text + " (the module overrides codeChange: check that it does)");
    } else {
      notes.add(text);
    }
  }

  // ---- statics ---------------------------------------------------------------------------

  /**
   * Every class both builds have, with static state that a load restarts (what the runtime warns of
   * at load, and refuses in strict mode) and no static {@code codeChange(Class<?>)} to carry it.
   */
  private void statics() {
    for (Map.Entry<String, ClassModel> entry : news.entrySet()) {
      String name = entry.getKey();
      String previous =
          renames.entrySet().stream()
              .filter(e -> e.getValue().equals(name))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse(name);
      if (!olds.containsKey(previous)) {
        continue;
      }
      ClassModel model = entry.getValue();
      if (isGenServer(model, news)) {
        List<String> fields =
            model.fields().stream()
                .filter(
                    f ->
                        !f.flags().has(AccessFlag.STATIC)
                            && !f.flags().has(AccessFlag.FINAL)
                            && !f.flags().has(AccessFlag.SYNTHETIC))
                .map(f -> f.fieldName().stringValue())
                .toList();
        if (!fields.isEmpty()) {
          remarks.add(
              "module "
                  + module
                  + ": server class "
                  + binary(name)
                  + " has mutable instance fields "
                  + fields
                  + ": a code change makes a new instance, so what they hold is not carried; keep it in the state");
        }
      }
      boolean hook =
          model.methods().stream()
              .anyMatch(
                  m ->
                      isStatic(m)
                          && m.methodName().equalsString("codeChange")
                          && m.methodType().equalsString("(Ljava/lang/Class;)V"));
      if (hook) {
        continue;
      }
      List<String> mutable = new ArrayList<>();
      for (FieldModel field : model.fields()) {
        if (field.flags().has(AccessFlag.STATIC)
            && !field.flags().has(AccessFlag.SYNTHETIC)
            && !field.flags().has(AccessFlag.ENUM)
            && mutable(field)) {
          mutable.add(field.fieldName().stringValue());
        }
      }
      if (!mutable.isEmpty()) {
        notes.add(
            "module "
                + module
                + ": class "
                + binary(name)
                + " keeps mutable static state "
                + mutable
                + ", which restarts from its initial value at the load: keep it in a process's state, or carry it with a static codeChange(Class<?> previous) method");
      }
    }
  }

  /** As the runtime judges it: not final, or final but of an array, collection, map or atomic. */
  private static boolean mutable(FieldModel field) {
    if (!field.flags().has(AccessFlag.FINAL)) {
      return true;
    }
    String descriptor = field.fieldType().stringValue();
    if (descriptor.startsWith("[")) {
      return true;
    }
    if (!descriptor.startsWith("L")) {
      return false;
    }
    String name = descriptor.substring(1, descriptor.length() - 1);
    Class<?> type = Jdk.type(name);
    return type != null
        && (Collection.class.isAssignableFrom(type)
            || Map.class.isAssignableFrom(type)
            || type.getName().startsWith("java.util.concurrent.atomic.")
            || type == StringBuilder.class);
  }

  // ---- types -----------------------------------------------------------------------------

  /**
   * Whether every value of declared type {@code before} (old build) fits declared type {@code
   * after} (new build) once migrated: what the runtime checks value by value, judged from the
   * types.
   */
  private boolean widens(Signature before, Signature after) {
    if (after instanceof Signature.ClassTypeSig c && className(c).equals("java/lang/Object")) {
      return true;
    }
    return switch (before) {
      case Signature.BaseTypeSig base ->
          after instanceof Signature.BaseTypeSig other
              ? base.baseType() == other.baseType()
              : after instanceof Signature.ClassTypeSig c
                  && subtypeOf(Jdk.box(base.baseType()), className(c), news);
      case Signature.ArrayTypeSig array ->
          after instanceof Signature.ArrayTypeSig other
              && (array.componentSignature() instanceof Signature.BaseTypeSig
                  ? array
                      .componentSignature()
                      .signatureString()
                      .equals(other.componentSignature().signatureString())
                  : widens(array.componentSignature(), other.componentSignature()));
      case Signature.TypeVarSig variable ->
          after instanceof Signature.TypeVarSig other
              && variable.identifier().equals(other.identifier());
      case Signature.ClassTypeSig classType -> {
        if (!(after instanceof Signature.ClassTypeSig other)) {
          yield false;
        }
        String from = renames.getOrDefault(className(classType), className(classType));
        if (!subtypeOf(from, className(other), news)) {
          yield false;
        }
        if (other.typeArgs().isEmpty()) {
          yield true;
        }
        if (classType.typeArgs().size() != other.typeArgs().size()) {
          yield false;
        }
        for (int i = 0; i < other.typeArgs().size(); i++) {
          if (!(other.typeArgs().get(i) instanceof Signature.TypeArg.Bounded to)
              || to.wildcardIndicator() == Signature.TypeArg.Bounded.WildcardIndicator.SUPER) {
            continue; // ? or ? super: the runtime checks nothing under it
          }
          if (!(classType.typeArgs().get(i) instanceof Signature.TypeArg.Bounded from2)
              || from2.wildcardIndicator() == Signature.TypeArg.Bounded.WildcardIndicator.SUPER
              || !widens(from2.boundType(), to.boundType())) {
            yield false;
          }
        }
        yield true;
      }
    };
  }

  /**
   * Whether class {@code name} (of {@code classes}, or of the JDK) is {@code parent} or a subtype
   * of it.
   */
  private static boolean subtypeOf(String name, String parent, Map<String, ClassModel> classes) {
    if (name.equals(parent) || parent.equals("java/lang/Object")) {
      return true;
    }
    ClassModel model = classes.get(name);
    if (model == null) {
      Class<?> type = Jdk.type(name);
      Class<?> other = Jdk.type(parent);
      return type != null && other != null && other.isAssignableFrom(type);
    }
    if (model.superclass().isPresent()
        && subtypeOf(model.superclass().get().asInternalName(), parent, classes)) {
      return true;
    }
    for (ClassEntry parentInterface : model.interfaces()) {
      if (subtypeOf(parentInterface.asInternalName(), parent, classes)) {
        return true;
      }
    }
    return false;
  }

  private static Signature typeOf(RecordComponentInfo component) {
    return component
        .findAttribute(Attributes.signature())
        .map(s -> s.asTypeSignature())
        .orElseGet(() -> Signature.parseFrom(component.descriptor().stringValue()));
  }

  private static String className(Signature.ClassTypeSig type) {
    return type.outerType().map(outer -> className(outer) + "$").orElse("") + type.className();
  }

  // ---- class files -----------------------------------------------------------------------

  private static Map<String, ClassModel> parse(String module, Map<String, byte[]> classes) {
    Map<String, ClassModel> models = new LinkedHashMap<>();
    classes.forEach(
        (name, bytes) -> {
          try {
            ClassModel model = ClassFile.of().parse(bytes);
            // read what is used later now, so that a damaged class fails here, named
            model.findAttribute(Attributes.record());
            model.findAttribute(Attributes.signature()).ifPresent(s -> s.asClassSignature());
            model.fields().forEach(f -> f.fieldType().stringValue());
            models.put(internalName(model), model);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "module " + module + ": class " + name + " cannot be read: " + e.getMessage(), e);
          }
        });
    return models;
  }

  private static Set<String> lambdaTypes(Collection<ClassModel> classes) {
    Set<String> types = new LinkedHashSet<>();
    for (ClassModel model : classes) {
      for (MethodModel method : model.methods()) {
        method
            .code()
            .ifPresent(
                code ->
                    code.forEach(
                        element -> {
                          if (element instanceof InvokeDynamicInstruction indy
                              && indy.bootstrapMethod()
                                  .owner()
                                  .descriptorString()
                                  .equals("L" + LAMBDA_FACTORY.replace('.', '/') + ";")) {
                            String descriptor = indy.typeSymbol().returnType().descriptorString();
                            types.add(descriptor.substring(1, descriptor.length() - 1));
                          }
                        }));
      }
    }
    return types;
  }

  /**
   * What a record's equality is made of: the code of its {@code equals}, {@code hashCode} and
   * {@code compareTo}, with constant pool indices and labels left out so that two builds compare by
   * what the code does.
   */
  private static List<String> equality(ClassModel record) {
    List<String> methods = new ArrayList<>();
    for (MethodModel method : record.methods()) {
      String name = method.methodName().stringValue();
      if (!(name.equals("equals") || name.equals("hashCode") || name.equals("compareTo"))
          || method.flags().has(AccessFlag.BRIDGE)) {
        continue;
      }
      StringBuilder code = new StringBuilder(name).append(method.methodType().stringValue());
      method
          .code()
          .ifPresent(
              body ->
                  body.forEach(
                      element -> {
                        if (element instanceof Instruction instruction) {
                          code.append(' ').append(instruction.opcode());
                        }
                        switch (element) {
                          case FieldInstruction f ->
                              code.append(f.owner().asInternalName()).append('.').append(f.name());
                          case InvokeInstruction i ->
                              code.append(i.owner().asInternalName())
                                  .append('.')
                                  .append(i.name())
                                  .append(i.type());
                          case InvokeDynamicInstruction d ->
                              code.append(
                                  d.bootstrapMethod()
                                          .owner()
                                          .descriptorString()
                                          .equals("Ljava/lang/runtime/ObjectMethods;")
                                      ? "generated" // the record's own, over its components
                                      : d.name() + d.bootstrapArgs().toString());
                          case ConstantInstruction c -> code.append(c.constantValue());
                          case LoadInstruction l -> code.append(l.slot());
                          case StoreInstruction st -> code.append(st.slot());
                          case TypeCheckInstruction t -> code.append(t.type().asInternalName());
                          default -> {}
                        }
                      }));
      methods.add(code.toString());
    }
    methods.sort(null);
    return methods;
  }

  /**
   * The old component that feeds new component {@code newName}, as the runtime finds it: the one
   * {@code @Renamed} names, or one of the same name (an annotation left in place in a later
   * version), or, going back past a rename, the old component that declares {@code @Renamed} with
   * {@code newName}.
   */
  private static String sourceComponent(
      String newName, String renamedFrom, Map<String, RecordComponentInfo> olds) {
    if (renamedFrom != null && olds.containsKey(renamedFrom)) {
      return renamedFrom;
    }
    if (olds.containsKey(newName)) {
      return newName;
    }
    for (RecordComponentInfo old : olds.values()) {
      if (newName.equals(annotationValue(old, RENAMED))) {
        return old.name().stringValue();
      }
    }
    return renamedFrom != null ? renamedFrom : newName;
  }

  private static Map<String, String> renames(Map<String, ClassModel> classes) {
    Map<String, String> renames = new HashMap<>();
    classes.forEach(
        (name, model) -> {
          String old =
              annotationValue(
                  model
                      .findAttribute(Attributes.runtimeVisibleAnnotations())
                      .map(a -> a.annotations())
                      .orElse(List.of()),
                  RENAMED);
          if (old != null) {
            renames.put(old.replace('.', '/'), name);
          }
        });
    return renames;
  }

  private static String annotationValue(RecordComponentInfo component, String annotation) {
    return annotationValue(
        component
            .findAttribute(Attributes.runtimeVisibleAnnotations())
            .map(a -> a.annotations())
            .orElse(List.of()),
        annotation);
  }

  /** The {@code value} of {@code annotation} among {@code annotations} ("" if it has none). */
  private static String annotationValue(List<Annotation> annotations, String annotation) {
    for (Annotation candidate : annotations) {
      if (candidate.className().equalsString(annotation)) {
        for (AnnotationElement element : candidate.elements()) {
          if (element.name().equalsString("value")
              && element.value() instanceof AnnotationValue.OfString text) {
            return text.stringValue();
          }
        }
        return "";
      }
    }
    return null;
  }

  private static boolean isGenServer(ClassModel model, Map<String, ClassModel> classes) {
    ClassModel type = model;
    while (type != null) {
      if (type.interfaces().stream().map(ClassEntry::asInternalName).anyMatch(GEN_SERVER::equals)) {
        return true;
      }
      type = type.superclass().map(e -> classes.get(e.asInternalName())).orElse(null);
    }
    return false;
  }

  private static boolean isAbstract(ClassModel model) {
    return model.flags().has(AccessFlag.ABSTRACT) || model.flags().has(AccessFlag.INTERFACE);
  }

  private static boolean isValueClass(ClassModel model) {
    return components(model) != null || (model.flags().flagsMask() & ClassFile.ACC_ENUM) != 0;
  }

  private static boolean hasInstanceFields(ClassModel model) {
    return model.fields().stream().anyMatch(f -> !f.flags().has(AccessFlag.STATIC));
  }

  private static boolean isStatic(MethodModel method) {
    return method.flags().has(AccessFlag.STATIC);
  }

  /** A record's components by name, or null for a class that is not a record. */
  static Map<String, RecordComponentInfo> components(ClassModel model) {
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
    return components.values().stream().map(c -> c.name().stringValue() + ":" + typeOf(c)).toList();
  }

  /** An enum's constants in order, or null for a class that is not an enum. */
  private static List<String> enumConstants(ClassModel model) {
    if ((model.flags().flagsMask() & ClassFile.ACC_ENUM) == 0) {
      return null;
    }
    return model.fields().stream()
        .filter(f -> f.flags().has(AccessFlag.ENUM))
        .map(f -> f.fieldName().stringValue())
        .toList();
  }

  private static String internalName(ClassModel model) {
    return model.thisClass().asInternalName();
  }

  private static String internal(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  private static String binary(String internalName) {
    return internalName.replace('/', '.');
  }

  private static String simple(String internalName) {
    return internalName.substring(internalName.lastIndexOf('/') + 1);
  }
}
