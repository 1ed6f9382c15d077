package dev.molt.internal.code;

import dev.molt.behaviour.GenServer;
import java.lang.reflect.Method;

/** Which callbacks a behaviour class overrides, looked up once per class. */
public final class Overrides {
  private static final ClassValue<Boolean> CODE_CHANGE =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
              if (method.getName().equals("codeChange")
                  && method.getParameterCount() == 3
                  && !method.isBridge()) {
                return true;
              }
            }
          }
          return false;
        }
      };

  private Overrides() {}

  /**
   * Whether {@code type} (a {@link GenServer}) builds its new state itself, in an overridden {@code
   * codeChange}.
   */
  public static boolean codeChange(Class<?> type) {
    return CODE_CHANGE.get(type);
  }
}
