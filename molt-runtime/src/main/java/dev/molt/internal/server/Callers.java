package dev.molt.internal.server;

import dev.molt.internal.code.ModuleClassLoader;
import dev.molt.internal.code.ModuleVersion;
import dev.molt.internal.migration.LoaderClasses;
import dev.molt.internal.migration.Migrator;
import dev.molt.internal.migration.ModuleClasses;
import dev.molt.internal.process.ProcessCell;

/**
 * Which version of a module's classes the code making a call was built with, when the request
 * itself cannot tell (a {@code String}, a JDK value): read off the caller's stack, so that its
 * reply goes back in its own classes. Only while the server's module has more than one version in
 * play (an old or a pending one), where a reply of another version can reach a caller at all.
 */
final class Callers {
  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private static final ClassLoader RUNTIME = Callers.class.getClassLoader();

  /** How far up the stack to look past the runtime's and other code's frames. */
  private static final int DEPTH = 32;

  private Callers() {}

  /**
   * The classes of {@code server}'s module that the first caller frame of the module (a version of
   * it, or its copy on the application class path) belongs to, or null.
   */
  static ModuleClasses of(ModuleVersion server) {
    return WALKER.walk(
        frames ->
            frames
                .limit(DEPTH)
                .map(StackWalker.StackFrame::getDeclaringClass)
                .map(type -> classesOf(type, server))
                .filter(classes -> classes != null)
                .findFirst()
                .orElse(null));
  }

  /**
   * The classes of {@code server}'s module that the calling process runs (a server of the module)
   * or links to (a process of a module that depends on it), without a look at the stack; null for
   * any other thread.
   */
  static ModuleClasses ofProcess(ModuleVersion server) {
    ProcessCell self = ProcessCell.current();
    return self != null && self.runsNow() instanceof ModuleVersion mine
        ? linked(mine.loader, server)
        : null;
  }

  /** The version of {@code server}'s module that {@code code} is, or links to; null if neither. */
  private static ModuleClasses linked(ModuleClassLoader code, ModuleVersion server) {
    return code.module().equals(server.name()) ? code : code.dependency(server.name());
  }

  /**
   * Whether a reply can hold objects of a version of {@code server}'s module at all: false for a
   * JDK value that holds nothing (a {@code String}, a boxed number), so the stack is read only for
   * replies that can need it.
   */
  static boolean mayNeedMapping(Object reply, ModuleVersion server) {
    if (reply instanceof Call.Ended || reply instanceof Call.Failed || Call.timedOut(reply)) {
      return false;
    }
    Class<?> type = reply.getClass();
    return type.getClassLoader() != null || Migrator.mayHoldForeign(type, server.loader);
  }

  private static ModuleClasses classesOf(Class<?> type, ModuleVersion server) {
    ClassLoader loader = type.getClassLoader();
    if (loader == null || (loader == RUNTIME && type.getName().startsWith("dev.molt."))) {
      return null; // the JDK's and the runtime's own frames
    }
    if (loader instanceof ModuleClassLoader code) {
      return linked(code, server); // the module's code, or a dependent module's
    }
    if (loader instanceof ModuleClasses version) {
      return version.module().equals(server.name()) ? version : null;
    }
    return server.loader.owns(type.getName()) ? LoaderClasses.of(server.name(), loader) : null;
  }
}
