package dev.molt.internal.code;

import dev.molt.internal.migration.ModuleClasses;
import java.util.List;
import java.util.Map;

/**
 * The class loader of one module version: the live wiring, kept apart from the version's immutable
 * description ({@link ModuleVersion}).
 *
 * <p>Delegation order, explicitly:
 *
 * <ol>
 *   <li>the module's own classes, defined here, even if the stable layer has a class of the same
 *       name (a copy of the module on the application class path does not shadow it);
 *   <li>the classes of the modules it depends on, in their <em>current</em> versions at the time
 *       this version was prepared;
 *   <li>the parent: the stable layer (the JDK, Molt's API, and the libraries of the release).
 * </ol>
 */
public final class ModuleClassLoader extends ClassLoader implements ModuleClasses {
  static {
    registerAsParallelCapable();
  }

  private final String module;
  private final int version;
  private final Map<String, byte[]> bytes;
  private final List<ModuleClassLoader> dependencies;

  ModuleClassLoader(
      String module,
      int version,
      Map<String, byte[]> bytes,
      List<ModuleClassLoader> dependencies,
      ClassLoader stable) {
    super(module + "@" + version, stable);
    this.module = module;
    this.version = version;
    this.bytes = bytes;
    this.dependencies = dependencies;
  }

  @Override
  public String module() {
    return module;
  }

  @Override
  public int version() {
    return version;
  }

  @Override
  public boolean owns(String className) {
    return bytes.containsKey(className);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> own = ownClass(name);
      if (own != null) {
        return own;
      }
      for (ModuleClassLoader dependency : dependencies) {
        Class<?> theirs = dependency.ownClass(name);
        if (theirs != null) {
          return theirs;
        }
      }
      return super.loadClass(name, resolve);
    }
  }

  /**
   * Classes defined so far, by name: a code change of many processes looks the same ones up for
   * each.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Class<?>> defined =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A class of this module, defined on first use; null if the module has none by that name. */
  @Override
  public Class<?> ownClass(String name) {
    Class<?> known = defined.get(name);
    if (known != null) {
      return known;
    }
    byte[] code = bytes.get(name);
    if (code == null) {
      return null;
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      Class<?> type = loaded != null ? loaded : defineClass(name, code, 0, code.length);
      defined.put(name, type);
      return type;
    }
  }

  /** {@code @Renamed} classes of this version, read from their class files once. */
  private volatile Map<String, String> renames;

  @Override
  public Map<String, String> renames() {
    Map<String, String> known = renames;
    if (known == null) {
      known = Renames.of(bytes);
      renames = known;
    }
    return known;
  }

  /** The version of {@code module} that this version's classes link to, or null if none. */
  public ModuleClassLoader dependency(String module) {
    for (ModuleClassLoader dependency : dependencies) {
      if (dependency.module.equals(module)) {
        return dependency;
      }
    }
    return null;
  }

  /** The classes of this module that have been defined so far. */
  @Override
  public java.util.List<Class<?>> definedClasses() {
    java.util.List<Class<?>> defined = new java.util.ArrayList<>();
    for (String name : bytes.keySet()) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded != null) {
        defined.add(loaded);
      }
    }
    return defined;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    Class<?> own = ownClass(name);
    if (own == null) {
      throw new ClassNotFoundException(name + " (module " + module + " v" + version + ")");
    }
    return own;
  }

  @Override
  public String toString() {
    return "ModuleClassLoader[" + module + " v" + version + "]";
  }
}
