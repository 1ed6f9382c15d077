package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.release.AppupInstruction.AddApplication;
import dev.molt.release.AppupInstruction.AddModule;
import dev.molt.release.AppupInstruction.Apply;
import dev.molt.release.AppupInstruction.ConfigChange;
import dev.molt.release.AppupInstruction.DeleteModule;
import dev.molt.release.AppupInstruction.LoadModule;
import dev.molt.release.AppupInstruction.RemoveApplication;
import dev.molt.release.AppupInstruction.RestartApplication;
import dev.molt.release.AppupInstruction.Update;
import dev.molt.release.AppupInstruction.UpdateSupervisor;
import dev.molt.release.ReleaseDescriptor.Application;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Builds a release's {@link Relup} from the appups of its applications: for each release it can be
 * upgraded from, an up script from it and a down script back to it.
 *
 * <p>Applications in both releases at different versions contribute their appup's {@code up <old>}
 * (or {@code down <old>}) instructions; applications only in the target are added, and those only
 * in the source removed. Each script then runs, in this order: the pre-purge check of updated
 * modules; prepare every new module; suspend every process of an updated module (and of the modules
 * it depends on), in parallel; switch; code changes, depended-on modules first; applies; the point
 * of no return; resume; stop removed and restarted applications (dependents first); start added and
 * restarted ones (dependencies first); supervisor changes; config changes. Everything up to the
 * point of no return can be undone, so a failing {@code codeChange} or {@code apply} leaves the old
 * release running.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class RelupGenerator {
  private RelupGenerator() {}

  /**
   * The relup of {@code target}, with scripts for every release in {@code sources}; {@code appups}
   * holds the appup of each application of {@code target} that changed, by application name. Fails
   * with {@link IllegalArgumentException} saying what is missing or inconsistent.
   */
  public static Relup generate(
      ReleaseDescriptor target, List<ReleaseDescriptor> sources, Map<String, Appup> appups) {
    List<Relup.Script> up = new ArrayList<>();
    List<Relup.Script> down = new ArrayList<>();
    Map<String, ReleaseDescriptor> others = new LinkedHashMap<>();
    for (ReleaseDescriptor source : sources) {
      if (!source.name().equals(target.name())) {
        throw new IllegalArgumentException(
            "release "
                + target.name()
                + " "
                + target.version()
                + " cannot be upgraded from "
                + "a release of another name ("
                + source.name()
                + " "
                + source.version()
                + ")");
      }
      others.put(source.version(), source);
      up.add(script(source, target, appups, true));
      down.add(script(target, source, appups, false));
    }
    Relup relup = new Relup(target.name(), target.version(), up, down);
    relup.validate(target, others);
    return relup;
  }

  private record Step(Application application, AppupInstruction instruction) {}

  private static Relup.Script script(
      ReleaseDescriptor from, ReleaseDescriptor to, Map<String, Appup> appups, boolean upward) {
    ReleaseDescriptor newer = upward ? to : from;
    List<Step> steps = new ArrayList<>();
    for (Application application : to.startOrder()) {
      Application before = from.application(application.name()).orElse(null);
      if (before == null) {
        steps.add(new Step(application, new AddApplication(application.name())));
      } else if (!before.version().equals(application.version())) {
        String newerVersion = upward ? application.version() : before.version();
        String olderVersion = upward ? before.version() : application.version();
        Appup appup = appups.get(application.name());
        if (appup == null || !appup.version().equals(newerVersion)) {
          throw new IllegalArgumentException(
              "application "
                  + application.name()
                  + " changes between "
                  + olderVersion
                  + " and "
                  + newerVersion
                  + " but there is no appup of "
                  + application.name()
                  + " "
                  + newerVersion);
        }
        var transition = upward ? appup.upFrom(olderVersion) : appup.downTo(olderVersion);
        if (transition.isEmpty()) {
          throw new IllegalArgumentException(
              "the appup of "
                  + application.name()
                  + " "
                  + newerVersion
                  + " has no '"
                  + (upward ? "up " : "down ")
                  + olderVersion
                  + "' (release "
                  + newer.name()
                  + " "
                  + newer.version()
                  + (upward ? " upgraded from " : " downgraded to ")
                  + (upward ? from.version() : to.version())
                  + ")");
        }
        for (AppupInstruction instruction : transition.get().instructions()) {
          steps.add(new Step(application, instruction));
        }
        if (!Objects.equals(before.config(), application.config())
            && transition.get().instructions().stream().noneMatch(i -> i instanceof ConfigChange)) {
          steps.add(new Step(application, new ConfigChange(application.name())));
        }
      }
    }
    for (Application application : from.applications()) {
      if (to.application(application.name()).isEmpty()) {
        steps.add(new Step(application, new RemoveApplication(application.name())));
      }
    }
    return lower(from, to, steps, upward);
  }

  private static Relup.Script lower(
      ReleaseDescriptor from, ReleaseDescriptor to, List<Step> steps, boolean upward) {
    Set<String> prepare = new LinkedHashSet<>();
    Set<String> delete = new LinkedHashSet<>();
    Map<String, Update> updates = new LinkedHashMap<>();
    Set<String> suspend = new LinkedHashSet<>();
    Duration timeout = Duration.ZERO;
    List<RelupInstruction> applies = new ArrayList<>();
    Set<String> stop = new LinkedHashSet<>();
    Set<String> start = new LinkedHashSet<>();
    List<RelupInstruction> after = new ArrayList<>();
    Map<String, Application> targetModules = to.moduleOwners();
    for (Step step : steps) {
      Application app = step.application();
      switch (step.instruction()) {
        case LoadModule i -> prepare.add(module(i.module(), app, targetModules, "load_module"));
        case AddModule i -> prepare.add(module(i.module(), app, targetModules, "add_module"));
        case Update i -> {
          prepare.add(module(i.module(), app, targetModules, "update"));
          if (updates.putIfAbsent(i.module(), i) != null) {
            throw new IllegalArgumentException(
                "module " + i.module() + " is updated twice in the appup of " + app.name());
          }
          suspend.add(i.module());
          for (String dependency : i.dependsOn()) {
            if (!targetModules.containsKey(dependency)) {
              throw new IllegalArgumentException(
                  "update "
                      + i.module()
                      + " depends on module "
                      + dependency
                      + ", which is not in "
                      + "release "
                      + to.name()
                      + " "
                      + to.version());
            }
            suspend.add(dependency);
          }
          timeout =
              timeout == null || i.timeout() == null
                  ? null
                  : i.timeout().compareTo(timeout) > 0 ? i.timeout() : timeout;
        }
        case DeleteModule i -> {
          if (targetModules.containsKey(i.module())) {
            throw new IllegalArgumentException(
                "delete_module "
                    + i.module()
                    + " in the appup of "
                    + app.name()
                    + ", but release "
                    + to.name()
                    + " "
                    + to.version()
                    + " still has it");
          }
          delete.add(i.module());
        }
        case AddApplication i -> {
          app.modules().forEach(m -> prepare.add(m.name()));
          start.add(i.application());
        }
        case RemoveApplication i -> {
          stop.add(i.application());
          app.modules().forEach(m -> delete.add(m.name()));
        }
        case RestartApplication i -> {
          stop.add(i.application());
          start.add(i.application());
        }
        case UpdateSupervisor i ->
            after.add(new RelupInstruction.UpdateSupervisor(i.supervisor(), i.start(), i.stop()));
        case Apply i ->
            applies.add(new RelupInstruction.Apply(i.className(), i.method(), i.args()));
        case ConfigChange i -> after.add(new RelupInstruction.ConfigChange(i.application()));
      }
    }
    List<RelupInstruction> script = new ArrayList<>();
    for (AppupInstruction.Purge mode : AppupInstruction.Purge.values()) {
      List<String> modules =
          updates.values().stream().filter(u -> u.prePurge() == mode).map(Update::module).toList();
      if (!modules.isEmpty()) {
        script.add(new RelupInstruction.PrePurge(modules, mode));
      }
    }
    if (!prepare.isEmpty()) {
      script.add(new RelupInstruction.Prepare(List.copyOf(prepare)));
    }
    if (!suspend.isEmpty()) {
      script.add(new RelupInstruction.Suspend(List.copyOf(suspend), timeout));
    }
    if (!prepare.isEmpty() || !delete.isEmpty()) {
      script.add(new RelupInstruction.Switch(List.copyOf(delete)));
    }
    for (Update update : dependenciesFirst(updates)) {
      script.add(new RelupInstruction.CodeChange(update.module(), update.extra()));
    }
    script.addAll(applies);
    script.add(new RelupInstruction.PointOfNoReturn());
    if (!suspend.isEmpty()) {
      script.add(new RelupInstruction.Resume(List.copyOf(suspend)));
    }
    for (AppupInstruction.Purge mode : AppupInstruction.Purge.values()) {
      List<String> modules =
          updates.values().stream().filter(u -> u.postPurge() == mode).map(Update::module).toList();
      if (!modules.isEmpty()) {
        script.add(new RelupInstruction.PostPurge(modules, mode));
      }
    }
    List<String> stopOrder =
        new ArrayList<>(
            from.startOrder().stream().map(Application::name).filter(stop::contains).toList());
    java.util.Collections.reverse(stopOrder);
    stopOrder.forEach(a -> script.add(new RelupInstruction.StopApplication(a)));
    to.startOrder().stream()
        .map(Application::name)
        .filter(start::contains)
        .forEach(a -> script.add(new RelupInstruction.StartApplication(a)));
    script.addAll(after);
    return new Relup.Script(upward ? from.version() : to.version(), script);
  }

  private static String module(
      String module, Application app, Map<String, Application> targetModules, String instruction) {
    Application owner = targetModules.get(module);
    if (owner == null || !owner.name().equals(app.name())) {
      throw new IllegalArgumentException(
          instruction
              + " "
              + module
              + " in the appup of "
              + app.name()
              + ", but "
              + app.name()
              + " "
              + app.version()
              + " has no module "
              + module
              + (owner == null ? "" : " (it belongs to " + owner.name() + ")"));
    }
    return module;
  }

  /** Updates ordered so that a module comes after the updated modules it depends on. */
  private static List<Update> dependenciesFirst(Map<String, Update> updates) {
    List<Update> ordered = new ArrayList<>();
    Set<String> placed = new LinkedHashSet<>();
    Set<String> visiting = new LinkedHashSet<>();
    for (Update update : updates.values()) {
      place(update, updates, placed, visiting, ordered);
    }
    return ordered;
  }

  private static void place(
      Update update,
      Map<String, Update> updates,
      Set<String> placed,
      Set<String> visiting,
      List<Update> ordered) {
    if (placed.contains(update.module())) {
      return;
    }
    if (!visiting.add(update.module())) {
      throw new IllegalArgumentException(
          "updates depend on each other in a cycle: "
              + String.join(" -> ", visiting)
              + " -> "
              + update.module());
    }
    for (String dependency : update.dependsOn()) {
      Update other = updates.get(dependency);
      if (other != null) {
        place(other, updates, placed, visiting, ordered);
      }
    }
    visiting.remove(update.module());
    placed.add(update.module());
    ordered.add(update);
  }
}
