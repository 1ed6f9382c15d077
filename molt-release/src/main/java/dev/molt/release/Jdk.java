package dev.molt.release;

import java.lang.classfile.Signature;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/** What the appup generator needs to know of the JDK's classes, looked up without initializing. */
final class Jdk {
  /** Holders of one value that migration looks into: {@code .get()} in a path. */
  static final Set<Class<?>> HOLDERS = Set.of(Optional.class, AtomicReference.class);

  private static final Map<String, Optional<Class<?>>> TYPES = new ConcurrentHashMap<>();

  private Jdk() {}

  /** The JDK class of this internal name, or null if it is not one. */
  static Class<?> type(String internalName) {
    if (!internalName.startsWith("java/") && !internalName.startsWith("javax/")) {
      return null;
    }
    return TYPES
        .computeIfAbsent(
            internalName,
            name -> {
              try {
                return Optional.of(
                    Class.forName(
                        name.replace('/', '.'), false, ClassLoader.getPlatformClassLoader()));
              } catch (ClassNotFoundException | LinkageError e) {
                return Optional.empty();
              }
            })
        .orElse(null);
  }

  /** Whether a container of this type keeps a comparator. */
  static boolean sorted(Class<?> type) {
    return java.util.SortedMap.class.isAssignableFrom(type)
        || java.util.SortedSet.class.isAssignableFrom(type)
        || java.util.PriorityQueue.class.isAssignableFrom(type)
        || java.util.concurrent.PriorityBlockingQueue.class.isAssignableFrom(type);
  }

  /** Whether an interface has one abstract method (not one of Object's): a lambda can be one. */
  static boolean functional(Class<?> type) {
    long abstracts =
        Arrays.stream(type.getMethods())
            .filter(m -> Modifier.isAbstract(m.getModifiers()) && !objectMethod(m))
            .map(m -> m.getName() + Arrays.toString(m.getParameterTypes()))
            .distinct()
            .count();
    return abstracts == 1;
  }

  private static boolean objectMethod(Method method) {
    try {
      Object.class.getMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** The internal name of the box of a primitive's descriptor character. */
  static String box(char primitive) {
    return switch (primitive) {
      case 'Z' -> "java/lang/Boolean";
      case 'B' -> "java/lang/Byte";
      case 'C' -> "java/lang/Character";
      case 'S' -> "java/lang/Short";
      case 'I' -> "java/lang/Integer";
      case 'J' -> "java/lang/Long";
      case 'F' -> "java/lang/Float";
      case 'D' -> "java/lang/Double";
      default -> "java/lang/Void";
    };
  }

  /** A type as Java source shows it: {@code List<String>}, {@code int[]}, {@code shop.Cart}. */
  static String show(Signature type) {
    return switch (type) {
      case Signature.BaseTypeSig base ->
          switch (base.baseType()) {
            case 'Z' -> "boolean";
            case 'B' -> "byte";
            case 'C' -> "char";
            case 'S' -> "short";
            case 'I' -> "int";
            case 'J' -> "long";
            case 'F' -> "float";
            case 'D' -> "double";
            default -> "void";
          };
      case Signature.ArrayTypeSig array -> show(array.componentSignature()) + "[]";
      case Signature.TypeVarSig variable -> variable.identifier();
      case Signature.ClassTypeSig classType -> {
        String name = classType.className().replace('/', '.');
        if (name.startsWith("java.lang.") && name.indexOf('.', "java.lang.".length()) < 0) {
          name = name.substring("java.lang.".length());
        } else if (name.startsWith("java.util.") && name.indexOf('.', "java.util.".length()) < 0) {
          name = name.substring("java.util.".length());
        }
        String outer = classType.outerType().map(o -> show(o) + ".").orElse("");
        String args =
            classType.typeArgs().isEmpty()
                ? ""
                : classType.typeArgs().stream()
                    .map(
                        arg ->
                            switch (arg) {
                              case Signature.TypeArg.Unbounded u -> "?";
                              case Signature.TypeArg.Bounded b ->
                                  switch (b.wildcardIndicator()) {
                                    case NONE -> show(b.boundType());
                                    case EXTENDS -> "? extends " + show(b.boundType());
                                    case SUPER -> "? super " + show(b.boundType());
                                  };
                            })
                    .collect(Collectors.joining(", ", "<", ">"));
        yield outer + name + args;
      }
    };
  }
}
