package dev.molt.internal.migration;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What a record component's declared type proves about the values under it, so that migration can
 * skip scanning what cannot hold module objects: a {@code Map<String, Integer>} needs no scan at
 * all, a {@code Map<String, Object>} needs its values scanned but not its keys.
 */
enum Leaves {
  /** Nothing under the component can be a module object: take it as it is. */
  ALL,
  /** A map whose keys cannot be module objects: scan and map its values only. */
  MAP_KEYS,
  /** No proof: scan everything. */
  NONE;

  /** Final JDK value classes: they hold no references a module object could hide behind. */
  private static final Set<Class<?>> LEAVES =
      Set.of(
          String.class,
          Integer.class,
          Long.class,
          Short.class,
          Byte.class,
          Character.class,
          Boolean.class,
          Double.class,
          Float.class,
          BigInteger.class,
          BigDecimal.class,
          UUID.class,
          int.class,
          long.class,
          short.class,
          byte.class,
          char.class,
          boolean.class,
          double.class,
          float.class);

  static Leaves of(Type type) {
    if (isLeaf(type)) {
      return ALL;
    }
    if (type instanceof ParameterizedType parameterized
        && parameterized.getRawType() instanceof Class<?> raw) {
      Type[] args = parameterized.getActualTypeArguments();
      if ((Collection.class.isAssignableFrom(raw) || Optional.class == raw)
          && args.length == 1
          && isLeaf(args[0])) {
        return ALL;
      }
      if (Map.class.isAssignableFrom(raw) && args.length == 2 && isLeaf(args[0])) {
        return isLeaf(args[1]) ? ALL : MAP_KEYS;
      }
    }
    return NONE;
  }

  static boolean isLeaf(Type type) {
    return type instanceof Class<?> c
        && (LEAVES.contains(c) || (c.isArray() && c.getComponentType().isPrimitive()));
  }
}
