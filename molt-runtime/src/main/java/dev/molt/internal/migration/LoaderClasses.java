package dev.molt.internal.migration;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes of a module as another class loader has them: the copy of the module on the
 * application class path, which client code such as {@code KV.get} builds its requests with. A
 * reply goes back to such a caller in these classes.
 */
public final class LoaderClasses implements ModuleClasses {
  private static final Map<ClassLoader, Map<String, LoaderClasses>> KNOWN = new WeakHashMap<>();

  private final String module;
  private final ClassLoader loader;
  private final Map<String, Optional<Class<?>>> classes = new ConcurrentHashMap<>();

  private LoaderClasses(String module, ClassLoader loader) {
    this.module = module;
    this.loader = loader;
  }

  /** The classes of {@code module} that {@code loader} defines itself. */
  public static synchronized LoaderClasses of(String module, ClassLoader loader) {
    return KNOWN
        .computeIfAbsent(loader, l -> new ConcurrentHashMap<>())
        .computeIfAbsent(module, m -> new LoaderClasses(m, loader));
  }

  @Override
  public ClassLoader loader() {
    return loader;
  }

  @Override
  public String module() {
    return module;
  }

  @Override
  public int version() {
    return 0;
  }

  @Override
  public boolean owns(String className) {
    return ownClass(className) != null;
  }

  @Override
  public Class<?> ownClass(String className) {
    return classes
        .computeIfAbsent(
            className,
            name -> {
              try {
                Class<?> type = Class.forName(name, false, loader);
                return type.getClassLoader() == loader ? Optional.of(type) : Optional.empty();
              } catch (ClassNotFoundException | LinkageError e) {
                return Optional.empty();
              }
            })
        .orElse(null);
  }

  @Override
  public List<Class<?>> definedClasses() {
    return List.of();
  }

  @Override
  public String toString() {
    return module + " as " + loader;
  }
}
