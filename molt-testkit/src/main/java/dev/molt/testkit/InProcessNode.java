package dev.molt.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.code.CodeServer;
import dev.molt.release.InstallException;
import dev.molt.release.InstallResult;
import dev.molt.release.ReleaseHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * A release booted in this JVM on a root of its own: the fast way to test an upgrade. The release's
 * modules load in their own class loaders, as on a node, so test code reaches them by name, with
 * {@link #invoke}, never with a class of its own class path (that class would be another one).
 *
 * <p>One release runs in a JVM at a time: {@link #close()} stops it and unloads its modules, so the
 * next test can boot it again. The test's class path holds copies of the release's modules (the
 * project's jar, the libraries its release carries): they are told apart from the stable layer
 * ({@link ClassPathCopies}), and the modules' own classes win in their loaders, as on a node.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class InProcessNode implements AutoCloseable {
  private final ReleaseHandler handler;
  private final String name;

  private InProcessNode(ReleaseHandler handler, String name) {
    this.handler = handler;
    this.name = name;
  }

  /** Unpacks {@code tarball} on a new {@code root} and boots it. */
  public static InProcessNode boot(Path tarball, Path root) {
    try {
      Files.createDirectories(root);
      ReleaseHandler handler = ReleaseHandler.open(root);
      ClassPathCopies.mark(tarball);
      String version = handler.unpack(tarball);
      handler.boot();
      return new InProcessNode(handler, handler.descriptor(version).name());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot boot " + tarball + " on " + root + ": " + e, e);
    }
  }

  /** The release's name. */
  public String name() {
    return name;
  }

  /** The version running now. */
  public String current() {
    return handler.current().orElseThrow();
  }

  /** The node's release handler, for what this class does not wrap. */
  public ReleaseHandler handler() {
    return handler;
  }

  /** Unpacks a release tarball on this node; returns its version. */
  public String unpack(Path tarball) {
    try {
      ClassPathCopies.mark(tarball);
      return handler.unpack(tarball);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + tarball + ": " + e, e);
    }
  }

  /**
   * Installs {@code version} (unpacked) live and makes it permanent, as {@code bin/<name> upgrade}
   * does. A failure is an {@link AssertionError} that names the path, the relup step and the
   * processes whose code change failed.
   */
  public InstallResult upgrade(String version) {
    return install("upgrade", version);
  }

  /**
   * Installs an earlier {@code version} live through the running release's down script and makes it
   * permanent, as {@code bin/<name> downgrade} does (both are {@link ReleaseHandler#downgrade}).
   */
  public InstallResult downgrade(String version) {
    return install("downgrade", version);
  }

  private InstallResult install(String what, String version) {
    String from = current();
    int failuresBefore = CodeServer.failures().size();
    try {
      return what.equals("upgrade") ? handler.upgrade(version) : handler.downgrade(version);
    } catch (InstallException e) {
      throw new AssertionError(
          what
              + " of "
              + name
              + " "
              + from
              + " -> "
              + version
              + " failed"
              + (e.rolledBack() ? " (rolled back, " + from + " still runs)" : "")
              + ": "
              + e.getMessage()
              + failedProcesses(failuresBefore),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(what + " to " + version + " failed: " + e, e);
    }
  }

  private static String failedProcesses(int before) {
    List<dev.molt.code.CodeChangeFailure> all = CodeServer.failures();
    if (all.size() <= before) {
      return "";
    }
    return all.subList(before, all.size()).stream()
        .limit(10)
        .map(
            f ->
                "\n  process "
                    + f.pid()
                    + ": module "
                    + f.module()
                    + " v"
                    + f.fromVersion()
                    + " -> v"
                    + f.toVersion()
                    + ": "
                    + f.reason())
        .collect(Collectors.joining("", "\ncode changes that failed:", ""));
  }

  /**
   * Calls the static method {@code method} of the current version of {@code className} with {@code
   * args}: how a test reaches module code, {@code node.invoke("com.example.KV", "get", "a")}. The
   * method is chosen by name and argument count, then by argument types. An exception it throws is
   * rethrown as is if unchecked, else wrapped.
   */
  public Object invoke(String className, String method, Object... args) {
    Class<?> type =
        CodeServer.currentClass(className)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no module of " + name + " " + current() + " defines " + className));
    Method target = find(type, method, args);
    try {
      target.setAccessible(true);
      return target.invoke(null, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(className + "." + method + " threw " + e.getCause(), e);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(className + "." + method + " cannot be called: " + e, e);
    }
  }

  private static Method find(Class<?> type, String method, Object[] args) {
    List<Method> named =
        Arrays.stream(type.getDeclaredMethods())
            .filter(m -> m.getName().equals(method) && Modifier.isStatic(m.getModifiers()))
            .filter(m -> m.getParameterCount() == args.length)
            .toList();
    for (Method m : named) {
      if (accepts(m.getParameterTypes(), args)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        type.getName()
            + " has no static method "
            + method
            + " taking "
            + Arrays.stream(args)
                .map(a -> a == null ? "null" : a.getClass().getSimpleName())
                .collect(Collectors.joining(", ", "(", ")")));
  }

  private static boolean accepts(Class<?>[] types, Object[] args) {
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i].isPrimitive() ? boxed(types[i]) : types[i];
      if (args[i] == null ? types[i].isPrimitive() : !t.isInstance(args[i])) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> boxed(Class<?> primitive) {
    return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
  }

  /** Stops the release and unloads its modules; the root stays. */
  @Override
  public void close() {
    try {
      handler.shutdown();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop " + name + ": " + e, e);
    }
  }
}
