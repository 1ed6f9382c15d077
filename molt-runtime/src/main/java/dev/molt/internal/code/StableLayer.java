package dev.molt.internal.code;

import java.io.File;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * What the stable layer holds, so that no module can define a class of it: the JDK, Molt, and the
 * libraries the node runs with. A module class is refused when the stable layer has a class of that
 * name in a jar or the JDK (it would shadow it, or be shadowed), or when its package is one of the
 * stable layer's (a split package would see the library's package-private parts). The packages are
 * those of the JDK's modules and of every jar on the node's class path and module path, read once.
 */
final class StableLayer {
  private StableLayer() {}

  private static volatile Set<String> packages;

  /** Why {@code className} belongs to the stable layer, or null if it does not. */
  static String claims(String className, ClassLoader stable) {
    String resource = className.replace('.', '/') + ".class";
    java.net.URL found = stable == null ? null : stable.getResource(resource);
    // a class directory on the class path is an application's own classes during development
    // (a copy of a module, which the module's loader does not let shadow it): not a library
    if (found != null && !"file".equals(found.getProtocol())) {
      return "the stable layer has a class of that name";
    }
    int dot = className.lastIndexOf('.');
    if (dot > 0 && packages().contains(className.substring(0, dot))) {
      return "its package " + className.substring(0, dot) + " is a package of the stable layer";
    }
    return null;
  }

  static Set<String> packages() {
    Set<String> known = packages;
    if (known == null) {
      known = read();
      packages = known;
    }
    return known;
  }

  private static Set<String> read() {
    Set<String> all = new HashSet<>();
    for (Module module : ModuleLayer.boot().modules()) {
      String name = module.getName();
      if (name.startsWith("java.") || name.startsWith("jdk.")) {
        all.addAll(module.getPackages());
      }
    }
    for (String property : new String[] {"java.class.path", "jdk.module.path"}) {
      String path = System.getProperty(property, "");
      for (String entry : path.split(File.pathSeparator)) {
        if (entry.endsWith(".jar")) {
          addJarPackages(new File(entry), all);
        }
      }
    }
    return Set.copyOf(all);
  }

  private static void addJarPackages(File jar, Set<String> into) {
    if (!jar.isFile()) {
      return;
    }
    try (JarFile file = new JarFile(jar)) {
      file.stream()
          .map(java.util.zip.ZipEntry::getName)
          .filter(n -> n.endsWith(".class") && n.indexOf('/') > 0 && !n.startsWith("META-INF/"))
          .forEach(n -> into.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
    } catch (IOException e) {
      // not a jar the JVM can read either: it adds no class
    }
  }
}
