package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.release.AppupInstruction.AddApplication;
import dev.molt.release.AppupInstruction.AddModule;
import dev.molt.release.AppupInstruction.Apply;
import dev.molt.release.AppupInstruction.ConfigChange;
import dev.molt.release.AppupInstruction.DeleteModule;
import dev.molt.release.AppupInstruction.LoadModule;
import dev.molt.release.AppupInstruction.Purge;
import dev.molt.release.AppupInstruction.RemoveApplication;
import dev.molt.release.AppupInstruction.RestartApplication;
import dev.molt.release.AppupInstruction.Update;
import dev.molt.release.AppupInstruction.UpdateSupervisor;
import dev.molt.release.Syntax.Atom;
import dev.molt.release.Syntax.Statement;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * How one application moves to {@code version} from earlier versions ({@code up}) and back to them
 * ({@code down}), in {@link AppupInstruction}s. Kept as {@code lib/<app>-<vsn>/<app>.appup}; see
 * docs/release-formats.md.
 *
 * <pre>
 * appup kv 1.1.0 {
 *   up 1.0.0 {
 *     update kv extra="add request counter" timeout=5s
 *   }
 *   down 1.0.0 {
 *     update kv extra="drop request counter"
 *   }
 * }
 * </pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Appup(
    String application, String version, List<Transition> up, List<Transition> down) {
  /** Default bound of an {@code update}'s suspension. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The instructions that move from (up) or to (down) {@code version}. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public record Transition(String version, List<AppupInstruction> instructions) {
    public Transition {
      instructions = List.copyOf(instructions);
    }
  }

  public Appup {
    up = List.copyOf(up);
    down = List.copyOf(down);
  }

  public Optional<Transition> upFrom(String from) {
    return Reader.forVersion(up, Transition::version, from);
  }

  public Optional<Transition> downTo(String to) {
    return Reader.forVersion(down, Transition::version, to);
  }

  public static Appup read(Path file) throws IOException {
    return parse(Reader.of(file));
  }

  /** Parses an appup; any problem is a {@link FormatException} at its line and column. */
  public static Appup parse(String file, String text) {
    return parse(new Reader(file, text));
  }

  private static Appup parse(Reader reader) {
    Reader.Head head =
        reader.head(
            "appup",
            "application",
            "appup <application> <version> { up <from> { ... } down <to> { ... } }");
    List<Transition> up = new ArrayList<>();
    List<Transition> down = new ArrayList<>();
    for (var section :
        reader.sections(head.root(), head.version(), "an appup", s -> instruction(reader, s))) {
      (section.up() ? up : down).add(new Transition(section.version(), section.instructions()));
    }
    return new Appup(head.name(), head.version(), up, down);
  }

  private static AppupInstruction instruction(Reader reader, Statement s) {
    reader.noBlock(s);
    return switch (s.name()) {
      case "load_module" -> {
        reader.options(s, Set.of());
        yield new LoadModule(module(reader, s, "load_module <module>"));
      }
      case "update" -> {
        reader.options(s, Set.of("extra", "timeout", "pre_purge", "post_purge", "depends"));
        String module =
            module(
                reader,
                s,
                "update <module> [extra=\"...\"] [timeout=5s] [pre_purge=soft|brutal] "
                    + "[post_purge=soft|brutal] [depends=[module, ...]]");
        var extra = s.options().get("extra");
        yield new Update(
            module,
            extra == null ? null : reader.single(extra),
            reader.duration(s, "timeout", DEFAULT_TIMEOUT),
            reader.choice(s, "pre_purge", Purge.class, Purge.BRUTAL),
            reader.choice(s, "post_purge", Purge.class, Purge.BRUTAL),
            reader.names(s, "depends", "module"));
      }
      case "add_module" -> {
        reader.options(s, Set.of());
        yield new AddModule(module(reader, s, "add_module <module>"));
      }
      case "delete_module" -> {
        reader.options(s, Set.of());
        yield new DeleteModule(module(reader, s, "delete_module <module>"));
      }
      case "add_application" ->
          new AddApplication(application(reader, s, "add_application <application>"));
      case "remove_application" ->
          new RemoveApplication(application(reader, s, "remove_application <application>"));
      case "restart_application" ->
          new RestartApplication(application(reader, s, "restart_application <application>"));
      case "config" -> new ConfigChange(application(reader, s, "config <application>"));
      case "supervisor" -> {
        reader.options(s, Set.of("start", "stop"));
        Atom name =
            reader
                .args(s, 1, "supervisor <registered name> [start=[child, ...]] [stop=[child, ...]]")
                .getFirst();
        List<String> start = reader.names(s, "start", "child");
        List<String> stop = reader.names(s, "stop", "child");
        for (String child : start) {
          if (stop.contains(child)) {
            throw reader.error(
                s.options().get("stop").key(), "child " + child + " is both started and stopped");
          }
        }
        yield new UpdateSupervisor(reader.name(name, "supervisor"), start, stop);
      }
      case "apply" -> {
        reader.options(s, Set.of("args"));
        List<Atom> args = reader.args(s, 2, "apply <class> <static method> [args=[\"...\", ...]]");
        String method = args.get(1).text();
        if (!method.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
          throw reader.error(
              args.get(1), "'" + Reader.printable(method) + "' is not a method name");
        }
        yield new Apply(reader.className(args.get(0)), method, reader.list(s, "args"));
      }
      default ->
          throw reader.error(
              s,
              "unknown appup instruction '"
                  + Reader.printable(s.name())
                  + "'; expected load_module, "
                  + "update, add_module, delete_module, add_application, remove_application, restart_application, supervisor, "
                  + "apply or config");
    };
  }

  private static String module(Reader reader, Statement s, String usage) {
    return reader.name(reader.args(s, 1, usage).getFirst(), "module");
  }

  private static String application(Reader reader, Statement s, String usage) {
    reader.options(s, Set.of());
    return reader.name(reader.args(s, 1, usage).getFirst(), "application");
  }

  /** The appup as text; {@link #parse} reads it back equal. */
  public String write() {
    Writer out = new Writer();
    out.open("appup", application, version);
    for (Transition transition : up) {
      write(out, "up", transition);
    }
    for (Transition transition : down) {
      write(out, "down", transition);
    }
    out.close();
    return out.toString();
  }

  private static void write(Writer out, String direction, Transition transition) {
    out.open(direction, transition.version());
    for (AppupInstruction instruction : transition.instructions()) {
      switch (instruction) {
        case LoadModule i -> out.line("load_module", i.module());
        case Update i ->
            out.line(
                "update",
                i.module(),
                Writer.opt("extra", i.extra() == null ? null : new Writer.Quoted(i.extra())),
                Writer.opt("timeout", Writer.duration(i.timeout())),
                Writer.opt("pre_purge", i.prePurge().name().toLowerCase(Locale.ROOT)),
                Writer.opt("post_purge", i.postPurge().name().toLowerCase(Locale.ROOT)),
                Writer.opt("depends", i.dependsOn()));
        case AddModule i -> out.line("add_module", i.module());
        case DeleteModule i -> out.line("delete_module", i.module());
        case AddApplication i -> out.line("add_application", i.application());
        case RemoveApplication i -> out.line("remove_application", i.application());
        case RestartApplication i -> out.line("restart_application", i.application());
        case UpdateSupervisor i ->
            out.line(
                "supervisor",
                i.supervisor(),
                Writer.opt("start", i.start()),
                Writer.opt("stop", i.stop()));
        case Apply i ->
            out.line(
                "apply",
                i.className(),
                i.method(),
                Writer.opt("args", i.args().stream().map(Writer.Quoted::new).toList()));
        case ConfigChange i -> out.line("config", i.application());
      }
    }
    out.close();
  }
}
