package dev.molt.console;

import dev.molt.code.CodeServer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Where a console's snippets are defined. Snippets run inside the node and see the current version
 * of every module's classes: a class a snippet names is looked up in the code server first, then in
 * the node's own class loader (Molt, the stable layer, the JDK).
 *
 * <p>A class loader binds a name to one class for good, so after a module moved to a new version
 * ({@link #newGeneration}) new snippets are defined in a new <em>generation</em>, which sees the
 * new version; it still finds the snippets of earlier generations by name, so variables and methods
 * declared before the reload stay usable. A snippet declared before a reload keeps calling the
 * version it was linked against, and keeps that version's class loader reachable until the console
 * ends.
 */
final class ConsoleLoader implements LoaderDelegate {
  private final ClassLoader node;
  private final Map<String, Class<?>> snippets = new ConcurrentHashMap<>();
  private volatile Generation generation;

  ConsoleLoader(ClassLoader node) {
    this.node = node;
    this.generation = new Generation();
  }

  /** Starts a new generation: snippets defined from now on see the module versions current now. */
  void newGeneration() {
    generation = new Generation();
  }

  /**
   * JShell's local execution engine on this loader: snippets are instrumented so that {@code stop}
   * ends them.
   */
  ExecutionControlProvider provider() {
    return new ExecutionControlProvider() {
      @Override
      public String name() {
        return "molt-console";
      }

      @Override
      public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        return new LocalExecutionControl(ConsoleLoader.this);
      }
    };
  }

  @Override
  public void load(ClassBytecodes[] classes) throws ClassInstallException {
    Generation into = generation;
    boolean[] installed = new boolean[classes.length];
    for (ClassBytecodes cbc : classes) {
      into.declare(cbc.name(), cbc.bytecodes());
    }
    for (int i = 0; i < classes.length; i++) {
      try {
        snippets.put(classes[i].name(), into.loadClass(classes[i].name()));
        installed[i] = true;
      } catch (ClassNotFoundException | LinkageError e) {
        throw new ClassInstallException(
            "could not load " + classes[i].name() + ": " + e, installed);
      }
    }
  }

  @Override
  public void classesRedefined(ClassBytecodes[] classes) {
    // the local engine never redefines a class: JShell declares a new one instead
  }

  @Override
  public void addToClasspath(String path) {
    // Compilation reads the class path; at run time every class comes from the code server or
    // the node's own class loader, which already has the node's class path.
  }

  @Override
  public Class<?> findClass(String name) throws ClassNotFoundException {
    Class<?> found = snippets.get(name);
    if (found == null) {
      throw new ClassNotFoundException(name);
    }
    return found;
  }

  /**
   * One generation: the snippets declared since the last reload, and one binding per module class
   * name.
   */
  private final class Generation extends ClassLoader {
    private final Map<String, byte[]> declared = new ConcurrentHashMap<>();

    /** Module classes as first bound in this generation: a name means one class for good. */
    private final Map<String, Class<?>> bound = new ConcurrentHashMap<>();

    Generation() {
      super("molt-console", node);
    }

    void declare(String name, byte[] bytes) {
      declared.put(name, bytes);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded != null) {
          return loaded;
        }
        byte[] bytes = declared.remove(name);
        if (bytes != null) {
          return defineClass(name, bytes, 0, bytes.length);
        }
        Class<?> earlier = snippets.get(name);
        if (earlier != null) {
          return earlier;
        }
        Class<?> module = bound.get(name);
        if (module == null) {
          module = CodeServer.currentClass(name).orElse(null);
          if (module != null) {
            bound.put(name, module);
          }
        }
        return module != null ? module : node.loadClass(name);
      }
    }
  }
}
