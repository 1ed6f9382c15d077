package dev.molt.internal.migration;

import dev.molt.code.Default;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;

/** Reads a record component's {@link Default} into a value of the component's type. */
final class Defaults {
  private Defaults() {}

  static Object of(Class<?> record, RecordComponent component) {
    Default declared = component.getAnnotation(Default.class);
    String where = "component " + component.getName() + " of " + record.getName();
    if (declared == null) {
      throw new Refusal(
          "." + component.getName(),
          where
              + " is new and has no @Default; declare one, @Renamed if it was renamed, or build the state in codeChange");
    }
    if (!declared.method().isEmpty()) {
      try {
        Method method = record.getDeclaredMethod(declared.method());
        if (!Modifier.isStatic(method.getModifiers())) {
          throw new Refusal(
              "." + component.getName(),
              where
                  + ": "
                  + "@Default(method = \""
                  + declared.method()
                  + "\") must name a static method");
        }
        method.setAccessible(true);
        return method.invoke(null);
      } catch (ReflectiveOperationException e) {
        throw new Refusal(
            "." + component.getName(),
            where
                + ": "
                + "@Default(method = \""
                + declared.method()
                + "\") of "
                + record.getName()
                + " cannot be called: "
                + e);
      }
    }
    return parse(component.getType(), declared.value(), "." + component.getName(), where);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object parse(Class<?> type, String text, String label, String where) {
    try {
      if (type == int.class || type == Integer.class) {
        return Integer.parseInt(text);
      } else if (type == long.class || type == Long.class) {
        return Long.parseLong(text);
      } else if (type == double.class || type == Double.class) {
        return Double.parseDouble(text);
      } else if (type == float.class || type == Float.class) {
        return Float.parseFloat(text);
      } else if (type == short.class || type == Short.class) {
        return Short.parseShort(text);
      } else if (type == byte.class || type == Byte.class) {
        return Byte.parseByte(text);
      } else if (type == boolean.class || type == Boolean.class) {
        if (!text.equals("true") && !text.equals("false")) {
          throw new IllegalArgumentException("not true or false");
        }
        return Boolean.parseBoolean(text);
      } else if (type == char.class || type == Character.class) {
        if (text.length() != 1) {
          throw new IllegalArgumentException("not one character");
        }
        return text.charAt(0);
      } else if (type == String.class) {
        return text;
      } else if (type.isEnum()) {
        return Enum.valueOf((Class) type, text);
      }
    } catch (IllegalArgumentException e) {
      throw new Refusal(
          label,
          where
              + ": "
              + "@Default(\""
              + text
              + "\") is not a valid "
              + type.getSimpleName()
              + ": "
              + e.getMessage());
    }
    throw new Refusal(
        label,
        where
            + ": "
            + "@Default(\""
            + text
            + "\") cannot make a "
            + type.getName()
            + "; use @Default(method = \"...\") naming a static method that returns it");
  }
}
