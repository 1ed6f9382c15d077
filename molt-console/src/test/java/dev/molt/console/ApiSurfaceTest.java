package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.Process;
import dev.molt.release.ReleaseHandler;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API each Molt module shows, checked on its built classes: {@code module-info} exports only
 * API packages (internals only to named Molt modules), every public type of an exported package
 * (nested ones too) carries {@link API}, and no public signature there names an internal type,
 * which a user could not use and we could not change.
 */
class ApiSurfaceTest {
  private static final Map<String, Class<?>> ANCHORS =
      Map.of(
          "dev.molt.runtime",
          Process.class,
          "dev.molt.release",
          ReleaseHandler.class,
          "dev.molt.console",
          Cli.class);
  private static final Map<String, Set<String>> API_PACKAGES =
      Map.of(
          "dev.molt.runtime",
              Set.of("dev.molt", "dev.molt.behaviour", "dev.molt.code", "dev.molt.sys"),
          "dev.molt.release", Set.of("dev.molt.release"),
          "dev.molt.console", Set.of("dev.molt.console"));
  private static final Set<String> MOLT_MODULES = ANCHORS.keySet();

  @ParameterizedTest
  @ValueSource(strings = {"dev.molt.runtime", "dev.molt.release", "dev.molt.console"})
  void moduleInfoExportsTheApiToEveryoneAndInternalsOnlyToMoltModules(String module) {
    ModuleDescriptor descriptor = ANCHORS.get(module).getModule().getDescriptor();
    assertThat(descriptor).as(module + " runs as a named module in these tests").isNotNull();

    Set<String> open = new TreeSet<>();
    for (ModuleDescriptor.Exports export : descriptor.exports()) {
      if (export.isQualified()) {
        assertThat(export.source()).as("a qualified export is internal").contains(".internal");
        assertThat(MOLT_MODULES)
            .as(export.source() + " is exported only to Molt modules")
            .containsAll(export.targets());
      } else {
        open.add(export.source());
        assertThat(export.source()).as("an unqualified export").doesNotContain(".internal");
      }
    }
    assertThat(open).isEqualTo(new TreeSet<>(API_PACKAGES.get(module)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev.molt.runtime", "dev.molt.release", "dev.molt.console"})
  void everyPublicTypeOfAnExportedPackageIsMarkedAndShowsNoInternalType(String module)
      throws Exception {
    Set<String> exported = API_PACKAGES.get(module);
    List<String> unmarked = new ArrayList<>();
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : classesOf(ANCHORS.get(module))) {
      if (!exported.contains(type.getPackageName())
          || !Modifier.isPublic(type.getModifiers())
          || type.isSynthetic()) {
        continue;
      }
      if (!isVisible(type)) {
        continue;
      }
      if (!type.isAnnotationPresent(API.class)) {
        unmarked.add(type.getName());
      }
      {
        signatureTypes(type)
            .forEach(
                shown -> {
                  if (isInternal(shown)) {
                    leaks.add(type.getName() + " shows " + shown.getName());
                  }
                });
      }
    }
    assertThat(unmarked).as("public types without @API in " + module).isEmpty();
    assertThat(leaks).as("public signatures naming a type no user can use").isEmpty();
  }

  /**
   * Whether {@code type} can be seen from outside: public, and every class around it public too.
   */
  private static boolean isVisible(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean isInternal(Class<?> type) {
    while (type.isArray()) {
      type = type.getComponentType();
    }
    String pkg = type.getPackageName();
    return pkg.startsWith("dev.molt")
        && API_PACKAGES.values().stream().noneMatch(api -> api.contains(pkg))
        && !pkg.startsWith("dev.molt.examples");
  }

  /**
   * The classes a public type's public and protected signatures name: supertypes, fields, methods,
   * constructors.
   */
  private static Set<Class<?>> signatureTypes(Class<?> type) {
    Set<Class<?>> shown = new java.util.HashSet<>();
    collect(type.getGenericSuperclass(), shown);
    for (Type parent : type.getGenericInterfaces()) {
      collect(parent, shown);
    }
    for (Field field : type.getDeclaredFields()) {
      if (exposed(field.getModifiers())) {
        collect(field.getGenericType(), shown);
      }
    }
    for (Method method : type.getDeclaredMethods()) {
      if (exposed(method.getModifiers()) && !method.isSynthetic()) {
        collect(method.getGenericReturnType(), shown);
        Stream.of(method.getGenericParameterTypes()).forEach(t -> collect(t, shown));
        Stream.of(method.getGenericExceptionTypes()).forEach(t -> collect(t, shown));
      }
    }
    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
      if (exposed(constructor.getModifiers()) && !constructor.isSynthetic()) {
        Stream.of(constructor.getGenericParameterTypes()).forEach(t -> collect(t, shown));
      }
    }
    return shown;
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void collect(Type type, Set<Class<?>> into) {
    switch (type) {
      case null -> {}
      case Class<?> c -> into.add(c);
      case ParameterizedType p -> {
        collect(p.getRawType(), into);
        Stream.of(p.getActualTypeArguments()).forEach(t -> collect(t, into));
      }
      case GenericArrayType a -> collect(a.getGenericComponentType(), into);
      case WildcardType w -> {
        Stream.of(w.getUpperBounds()).forEach(t -> collect(t, into));
        Stream.of(w.getLowerBounds()).forEach(t -> collect(t, into));
      }
      case TypeVariable<?> v -> {}
      default -> throw new IllegalStateException("a type of an unknown kind: " + type);
    }
  }

  /** Every class in the jar or directory the anchor was loaded from. */
  private static List<Class<?>> classesOf(Class<?> anchor)
      throws IOException, URISyntaxException, ClassNotFoundException {
    Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    if (Files.isDirectory(location)) {
      names = classNames(location);
    } else {
      try (FileSystem jar = FileSystems.newFileSystem(location)) {
        names = classNames(jar.getPath("/"));
      }
    }
    List<Class<?>> classes = new ArrayList<>();
    for (String name : names) {
      classes.add(Class.forName(name, false, anchor.getClassLoader()));
    }
    return classes;
  }

  private static List<String> classNames(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(
              f ->
                  f.toString().endsWith(".class")
                      && !f.getFileName().toString().equals("module-info.class"))
          .map(
              f ->
                  root.relativize(f)
                      .toString()
                      .replace('\\', '/')
                      .replaceAll("\\.class$", "")
                      .replace('/', '.'))
          .filter(n -> !n.startsWith("META-INF"))
          .collect(Collectors.toList());
    }
  }
}
