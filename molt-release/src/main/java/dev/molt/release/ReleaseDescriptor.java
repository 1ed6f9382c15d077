package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.release.Syntax.Atom;
import dev.molt.release.Syntax.Option;
import dev.molt.release.Syntax.Statement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * A release: a name and version, the Java it needs, its applications (each with its modules, start
 * callback, dependencies and config) and the releases it can be upgraded from. Written by the Maven
 * plugin as {@code releases/<vsn>/<name>.release}; see docs/release-formats.md.
 *
 * <pre>
 * release kv 1.1.0 {
 *   java 25
 *   application kv 1.1.0 {
 *     start dev.molt.examples.kv.KvApplication
 *     module kv kv-1.1.0.jar
 *     config greeting="hello" port=4040
 *   }
 *   upgrade_from 1.0.0
 * }
 * </pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ReleaseDescriptor(
    String name,
    String version,
    int javaVersion,
    List<Application> applications,
    List<String> upgradeFrom) {

  /** An application of the release, in start order once {@link #startOrder()} sorted them. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Application(
      String name,
      String version,
      String start,
      List<Module> modules,
      List<String> depends,
      Map<String, Object> config) {
    public Application {
      modules = List.copyOf(modules);
      depends = List.copyOf(depends);
      config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    /** The directory of the application under the release root: {@code lib/<name>-<version>}. */
    public String dir() {
      return "lib/" + name + "-" + version;
    }
  }

  /** A module of an application: a jar (or class directory) under the application's directory. */
  @API(status = EXPERIMENTAL, since = "0.1")
  /**
   * A module of an application: its own code, or a library it packages ({@code library} is then the
   * library's version, as its build named it; null for the application's own code). A library is
   * loaded and upgraded as a module: the relup loads a changed one and relinks what uses it.
   */
  public record Module(String name, String path, String library) {
    public Module(String name, String path) {
      this(name, path, null);
    }

    /** Whether this is a library the application packages, not its own code. */
    public boolean isLibrary() {
      return library != null;
    }
  }

  public ReleaseDescriptor {
    applications = List.copyOf(applications);
    upgradeFrom = List.copyOf(upgradeFrom);
  }

  private static String libraryVersion(Reader reader, Option library) {
    reader.single(library); // one value, not a list
    return reader.version(library.values().getFirst());
  }

  public Optional<Application> application(String name) {
    return applications.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /** Every module of the release, by name, with its application. */
  public Map<String, Application> moduleOwners() {
    Map<String, Application> owners = new LinkedHashMap<>();
    for (Application application : applications) {
      for (Module module : application.modules()) {
        owners.put(module.name(), application);
      }
    }
    return owners;
  }

  /** Applications ordered so that each comes after those it depends on (ties keep file order). */
  public List<Application> startOrder() {
    List<Application> ordered = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    while (ordered.size() < applications.size()) {
      for (Application application : applications) {
        if (!placed.contains(application.name()) && placed.containsAll(application.depends())) {
          ordered.add(application);
          placed.add(application.name());
        }
      }
    }
    return ordered;
  }

  public static ReleaseDescriptor read(Path file) throws IOException {
    return parse(Reader.of(file));
  }

  /** Parses a descriptor; any problem is a {@link FormatException} at its line and column. */
  public static ReleaseDescriptor parse(String file, String text) {
    return parse(new Reader(file, text));
  }

  private static ReleaseDescriptor parse(Reader reader) {
    Reader.Head head = reader.head("release", "release", "release <name> <version> { ... }");
    Statement root = head.root();
    String name = head.name();
    String version = head.version();
    Map<String, Statement> once = new HashMap<>();
    Integer javaVersion = null;
    List<Application> applications = new ArrayList<>();
    Map<String, Statement> applicationAt = new HashMap<>();
    Map<String, Atom> moduleAt = new HashMap<>();
    List<String> upgradeFrom = new ArrayList<>();
    for (Statement statement : root.block()) {
      reader.noBlockUnless(statement, "application");
      switch (statement.name()) {
        case "java" -> {
          reader.once(once, statement);
          reader.options(statement, Set.of());
          Atom value = reader.args(statement, 1, "java <feature version>, e.g. java 25").getFirst();
          javaVersion = feature(reader, value);
        }
        case "application" -> {
          Application application = application(reader, statement, moduleAt);
          if (applicationAt.putIfAbsent(application.name(), statement) != null) {
            throw reader.error(
                statement.args().getFirst(),
                "application '" + application.name() + "' is listed twice");
          }
          applications.add(application);
        }
        case "upgrade_from" -> {
          reader.options(statement, Set.of());
          for (Atom from : reader.someArgs(statement, "upgrade_from <version>...")) {
            String v = reader.version(from);
            if (v.equals(version)) {
              throw reader.error(from, "a release cannot be upgraded from itself");
            }
            if (upgradeFrom.contains(v)) {
              throw reader.error(from, "version " + v + " is listed twice");
            }
            upgradeFrom.add(v);
          }
        }
        default ->
            throw reader.error(
                statement,
                "unknown statement '"
                    + Reader.printable(statement.name())
                    + "' in a release; expected java, application or upgrade_from");
      }
    }
    if (javaVersion == null) {
      throw reader.error(
          root, "release " + name + " does not say which Java it needs (add: java 25)");
    }
    if (applications.isEmpty()) {
      throw reader.error(root, "release " + name + " has no application");
    }
    for (Application application : applications) {
      Statement at = applicationAt.get(application.name());
      for (String dependency : application.depends()) {
        if (!applicationAt.containsKey(dependency)) {
          throw reader.error(
              at,
              "application "
                  + application.name()
                  + " depends on "
                  + dependency
                  + ", which is not in the release");
        }
      }
    }
    String cycle = cycle(applications);
    if (cycle != null) {
      throw reader.error(
          applicationAt.get(cycle.substring(0, cycle.indexOf(' '))),
          "applications depend on each other in a cycle: " + cycle);
    }
    return new ReleaseDescriptor(name, version, javaVersion, applications, upgradeFrom);
  }

  private static int feature(Reader reader, Atom value) {
    try {
      int feature = Integer.parseInt(value.text());
      if (feature < 25 || feature > 999) {
        throw reader.error(value, "Molt needs Java 25 or newer, not " + feature);
      }
      return feature;
    } catch (NumberFormatException e) {
      throw reader.error(
          value,
          "'" + Reader.printable(value.text()) + "' is not a Java feature version (like 25)");
    }
  }

  private static Application application(
      Reader reader, Statement statement, Map<String, Atom> moduleAt) {
    String usage = "application <name> <version> { start <class>; module <name> <jar>; ... }";
    List<Atom> head = reader.args(statement, 2, usage);
    reader.options(statement, Set.of());
    String name = reader.name(head.get(0), "application");
    String version = reader.version(head.get(1));
    if (!statement.hasBlock()) {
      throw reader.error(
          statement,
          "application " + name + " needs a { ... } block with its start class and modules");
    }
    Map<String, Statement> once = new HashMap<>();
    String start = null;
    List<Module> modules = new ArrayList<>();
    List<String> depends = new ArrayList<>();
    Map<String, Object> config = new LinkedHashMap<>();
    for (Statement inner : statement.block()) {
      reader.noBlock(inner);
      switch (inner.name()) {
        case "start" -> {
          reader.once(once, inner);
          reader.options(inner, Set.of());
          start =
              reader.className(
                  reader.args(inner, 1, "start <application callback class>").getFirst());
        }
        case "module" -> {
          reader.options(inner, Set.of("library"));
          List<Atom> args =
              reader.args(
                  inner,
                  2,
                  "module <name> <jar or directory under " + "lib/" + name + "-" + version + ">");
          String module = reader.name(args.get(0), "module");
          Atom before = moduleAt.putIfAbsent(module, args.get(0));
          if (before != null) {
            throw reader.error(
                args.get(0),
                "module "
                    + module
                    + " is already listed at line "
                    + before.line()
                    + "; a module belongs to one application");
          }
          var library = inner.options().get("library");
          modules.add(
              new Module(
                  module,
                  relative(reader, args.get(1)),
                  library == null ? null : libraryVersion(reader, library)));
        }
        case "depends" -> {
          reader.options(inner, Set.of());
          for (Atom dependency : reader.someArgs(inner, "depends <application>...")) {
            String d = reader.name(dependency, "application");
            if (d.equals(name)) {
              throw reader.error(dependency, "application " + name + " cannot depend on itself");
            }
            if (!depends.contains(d)) {
              depends.add(d);
            }
          }
        }
        case "config" -> {
          reader.args(inner, 0, "config key=value...");
          readConfig(reader, inner, config);
        }
        default ->
            throw reader.error(
                inner,
                "unknown statement '"
                    + Reader.printable(inner.name())
                    + "' in an application; expected start, module, depends or config");
      }
    }
    if (start == null) {
      throw reader.error(
          statement, "application " + name + " has no start class (add: start <class>)");
    }
    if (modules.isEmpty()) {
      throw reader.error(
          statement, "application " + name + " has no module (add: module <name> <jar>)");
    }
    return new Application(name, version, start, modules, depends, config);
  }

  /**
   * The {@code key=value} options of a config statement, into {@code config}; a key given twice is
   * an error.
   */
  static void readConfig(Reader reader, Statement statement, Map<String, Object> config) {
    for (Option option : statement.options().values()) {
      String key = reader.name(option.key(), "config key");
      if (config.containsKey(key)) {
        throw reader.error(option.key(), "config key '" + key + "' is given twice");
      }
      config.put(
          key,
          option.list()
              ? option.values().stream().map(ReleaseDescriptor::value).toList()
              : value(option.values().getFirst()));
    }
  }

  /**
   * Config values as text, for {@link Writer}: strings quoted so that they read back as strings.
   */
  static List<Object> configOptions(Map<String, Object> config) {
    List<Object> options = new ArrayList<>();
    config.forEach((key, value) -> options.add(new Writer.Opt(key, configText(value))));
    return options;
  }

  /** A config value: a quoted atom is a string; a bare one is a long, true/false, or a string. */
  private static Object value(Atom atom) {
    return atom.quoted() ? atom.text() : configValue(atom.text());
  }

  /**
   * A config value given as bare text (a pom's {@code <port>8080</port>}, an environment variable),
   * typed as the release formats type a bare value: {@code true} and {@code false} are booleans, a
   * whole number of up to 18 digits is a {@code Long}, anything else is a string. Text in double
   * quotes is a string without them ({@code "8080"}).
   */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public static Object configValue(String text) {
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      return text.substring(1, text.length() - 1);
    }
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    if (text.matches("-?[0-9]{1,18}")) {
      return Long.parseLong(text);
    }
    return text;
  }

  /** A path inside an application's directory: relative, without {@code ..}. */
  static String relative(Reader reader, Atom atom) {
    String path = atom.text();
    if (path.isEmpty()
        || path.startsWith("/")
        || path.startsWith("\\")
        || path.contains(":")
        || java.util.Arrays.stream(path.split("[/\\\\]"))
            .anyMatch(p -> p.equals("..") || p.isEmpty())) {
      throw reader.error(
          atom,
          "'"
              + Reader.printable(path)
              + "' must be a relative path inside the application's directory");
    }
    return path;
  }

  private static String cycle(List<Application> applications) {
    Map<String, List<String>> edges = new HashMap<>();
    applications.forEach(a -> edges.put(a.name(), a.depends()));
    Map<String, Integer> state = new HashMap<>();
    for (Application application : applications) {
      List<String> path = new ArrayList<>();
      if (visit(application.name(), edges, state, path)) {
        return String.join(" -> ", path);
      }
    }
    return null;
  }

  private static boolean visit(
      String node, Map<String, List<String>> edges, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(node);
    if (s != null && s == 2) {
      return false;
    }
    path.add(node);
    if (s != null && s == 1) {
      return true;
    }
    state.put(node, 1);
    for (String next : edges.getOrDefault(node, List.of())) {
      if (visit(next, edges, state, path)) {
        return true;
      }
    }
    state.put(node, 2);
    path.removeLast();
    return false;
  }

  /** The descriptor as text; {@link #parse} reads it back equal. */
  public String write() {
    Writer out = new Writer();
    out.open("release", name, version);
    out.line("java", javaVersion);
    for (Application application : applications) {
      out.open("application", application.name(), application.version());
      out.line("start", application.start());
      for (Module module : application.modules()) {
        out.line("module", module.name(), module.path(), Writer.opt("library", module.library()));
      }
      if (!application.depends().isEmpty()) {
        out.line("depends", application.depends().toArray());
      }
      if (!application.config().isEmpty()) {
        out.line("config", configOptions(application.config()).toArray());
      }
      out.close();
    }
    if (!upgradeFrom.isEmpty()) {
      out.line("upgrade_from", upgradeFrom.toArray());
    }
    out.close();
    return out.toString();
  }

  private static Object configText(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(ReleaseDescriptor::configText).toList();
    }
    return value instanceof String text ? new Writer.Quoted(text) : Objects.toString(value);
  }
}
