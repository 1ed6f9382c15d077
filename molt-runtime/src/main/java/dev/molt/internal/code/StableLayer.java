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

  /**
   * The system property that names jars of the class path that are copies of modules, not
   * libraries: a test's class path holds the project's own jar, and the libraries its release
   * carries as modules. The testkit sets it; a node has no use for it.
   */
  static final String COPIES = "molt.classPathCopies";

  /** The stable layer as read for one value of {@link #COPIES}. */
  private record Read(String copiesProperty, Set<String> copies, Set<String> packages) {}

  private static volatile Read read;

  /** Why {@code className} belongs to the stable layer, or null if it does not. */
  static String claims(String className, ClassLoader stable) {
    Read layer = layer();
    String resource = className.replace('.', '/') + ".class";
    java.net.URL found = stable == null ? null : stable.getResource(resource);
    // a class directory on the class path is an application's own classes during development
    // (a copy of a module, which the module's loader does not let shadow it): not a library
    if (found != null && !"file".equals(found.getProtocol()) && !isCopy(found, layer.copies())) {
      return "the stable layer has a class of that name";
    }
    int dot = className.lastIndexOf('.');
    if (dot > 0 && layer.packages().contains(className.substring(0, dot))) {
      return "its package " + className.substring(0, dot) + " is a package of the stable layer";
    }
    return null;
  }

  static Set<String> packages() {
    return layer().packages();
  }

  private static Read layer() {
    String property = System.getProperty(COPIES, "");
    Read known = read;
    if (known == null || !known.copiesProperty().equals(property)) {
      Set<String> copies = new HashSet<>();
      for (String entry : property.split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          copies.add(new File(entry).getAbsolutePath());
        }
      }
      known = new Read(property, Set.copyOf(copies), read(copies));
      read = known;
    }
    return known;
  }

  private static boolean isCopy(java.net.URL found, Set<String> copies) {
    String url = found.toString();
    if (copies.isEmpty() || !url.startsWith("jar:file:") || !url.contains("!/")) {
      return false;
    }
    try {
      String jar = new java.net.URI(url.substring("jar:".length(), url.indexOf("!/"))).getPath();
      return copies.contains(new File(jar).getAbsolutePath());
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static Set<String> read(Set<String> copies) {
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
        if (entry.endsWith(".jar") && !copies.contains(new File(entry).getAbsolutePath())) {
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
