package dev.molt.release;

import dev.molt.release.RelupInstruction.Apply;
import dev.molt.release.RelupInstruction.CodeChange;
import dev.molt.release.RelupInstruction.ConfigChange;
import dev.molt.release.RelupInstruction.PointOfNoReturn;
import dev.molt.release.RelupInstruction.Prepare;
import dev.molt.release.RelupInstruction.Resume;
import dev.molt.release.RelupInstruction.StartApplication;
import dev.molt.release.RelupInstruction.StopApplication;
import dev.molt.release.RelupInstruction.Suspend;
import dev.molt.release.RelupInstruction.Switch;
import dev.molt.release.RelupInstruction.UpdateSupervisor;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of a relup script: its shape on its own ({@link #problem}, made whenever a relup is
 * read), and against the releases it moves between ({@link #check}, from {@link Relup#validate}).
 */
final class RelupCheck {
  private RelupCheck() {}

  /**
   * What is wrong with the shape of one script, or null: one point of no return; prepare, then
   * switch, each at most once and before it; code changes between switch and the point of no
   * return, on suspended modules; every suspended module resumed after it, and nothing resumed that
   * was not suspended; every stopped application started again unless the target release removes it
   * ({@code removedApplications}; null when the releases are not known, which skips this rule).
   */
  static String problem(Relup.Script script) {
    return problem(script, null);
  }

  static String problem(Relup.Script script, Set<String> removedApplications) {
    int pointOfNoReturn = -1;
    int prepare = -1;
    int switched = -1;
    Set<String> suspended = new LinkedHashSet<>();
    Set<String> resumed = new LinkedHashSet<>();
    Set<String> stopped = new LinkedHashSet<>();
    List<RelupInstruction> steps = script.instructions();
    for (int i = 0; i < steps.size(); i++) {
      String step = "step " + (i + 1) + " (" + name(steps.get(i)) + ")";
      switch (steps.get(i)) {
        case PointOfNoReturn p -> {
          if (pointOfNoReturn >= 0) {
            return step + ": a second point_of_no_return (one per script)";
          }
          pointOfNoReturn = i;
        }
        case Prepare p -> {
          if (prepare >= 0) {
            return step + ": a second prepare (prepare every module at once)";
          }
          if (pointOfNoReturn >= 0 || switched >= 0) {
            return step + ": prepare must come before switch and point_of_no_return";
          }
          prepare = i;
        }
        case Switch w -> {
          if (switched >= 0) {
            return step + ": a second switch";
          }
          if (pointOfNoReturn >= 0) {
            return step
                + ": switch must come before point_of_no_return, so that a failure can be undone";
          }
          switched = i;
        }
        case Suspend s -> {
          if (pointOfNoReturn >= 0) {
            return step + ": suspend after point_of_no_return";
          }
          for (String module : s.modules()) {
            if (!suspended.add(module)) {
              return step + ": module " + module + " is suspended twice";
            }
          }
        }
        case CodeChange c -> {
          if (switched < 0) {
            return step
                + ": code_change "
                + c.module()
                + " before switch (the new code is not current yet)";
          }
          if (pointOfNoReturn >= 0) {
            return step + ": code_change after point_of_no_return";
          }
          if (!suspended.contains(c.module())) {
            return step
                + ": code_change "
                + c.module()
                + " on processes that are not suspended (add it to a suspend)";
          }
        }
        case Apply a -> {
          if (prepare >= 0 && switched < 0) {
            return step + ": apply between prepare and switch (the new code is not current yet)";
          }
        }
        case Resume r -> {
          if (pointOfNoReturn < 0) {
            return step + ": resume before point_of_no_return";
          }
          for (String module : r.modules()) {
            if (!suspended.contains(module)) {
              return step + ": resume " + module + ", which was not suspended";
            }
            if (!resumed.add(module)) {
              return step + ": module " + module + " is resumed twice";
            }
          }
        }
        case RelupInstruction.PrePurge p -> {
          if (prepare >= 0 || switched >= 0 || pointOfNoReturn >= 0) {
            return step + ": pre_purge must come before prepare";
          }
        }
        case RelupInstruction.PostPurge p -> {
          if (pointOfNoReturn < 0) {
            return step + ": post_purge before point_of_no_return";
          }
        }
        case StopApplication s -> stopped.add(s.application());
        case StartApplication s -> stopped.remove(s.application());
        case UpdateSupervisor u -> {}
        case ConfigChange c -> {}
      }
    }
    if (pointOfNoReturn < 0) {
      return "no point_of_no_return";
    }
    if (suspended.size() > 0 && switched < 0) {
      return "processes are suspended but nothing is switched";
    }
    for (String module : suspended) {
      if (!resumed.contains(module)) {
        return "module " + module + " is suspended and never resumed";
      }
    }
    if (removedApplications != null) {
      stopped.removeAll(removedApplications);
    }
    if (removedApplications != null && !stopped.isEmpty()) {
      return "application " + stopped.iterator().next() + " is stopped and never started again";
    }
    return null;
  }

  static String name(RelupInstruction instruction) {
    return switch (instruction) {
      case Prepare p -> "prepare " + String.join(" ", p.modules());
      case Suspend s -> "suspend " + String.join(" ", s.modules());
      case Switch s -> "switch";
      case CodeChange c -> "code_change " + c.module();
      case Apply a -> "apply " + a.className() + "." + a.method();
      case PointOfNoReturn p -> "point_of_no_return";
      case Resume r -> "resume " + String.join(" ", r.modules());
      case RelupInstruction.PrePurge p -> "pre_purge " + String.join(" ", p.modules());
      case RelupInstruction.PostPurge p -> "post_purge " + String.join(" ", p.modules());
      case StopApplication s -> "stop_application " + s.application();
      case StartApplication s -> "start_application " + s.application();
      case UpdateSupervisor u -> "supervisor " + u.supervisor();
      case ConfigChange c -> "config_change " + c.application();
    };
  }

  static void check(
      String version,
      String which,
      Relup.Script script,
      ReleaseDescriptor to,
      ReleaseDescriptor from) {
    Set<String> removed = new LinkedHashSet<>();
    if (from != null) {
      from.applications().forEach(a -> removed.add(a.name()));
      to.applications().forEach(a -> removed.remove(a.name()));
    }
    String problem = problem(script, removed);
    if (problem != null) {
      throw new IllegalArgumentException("relup " + version + ", " + which + ": " + problem);
    }
    Map<String, ReleaseDescriptor.Application> modules = to.moduleOwners();
    for (RelupInstruction instruction : script.instructions()) {
      List<String> named =
          switch (instruction) {
            case Prepare p -> p.modules();
            case Suspend s -> s.modules();
            case CodeChange c -> List.of(c.module());
            default -> List.of();
          };
      for (String module : named) {
        if (!modules.containsKey(module)) {
          throw new IllegalArgumentException(
              "relup "
                  + version
                  + ", "
                  + which
                  + ": module "
                  + module
                  + " is not in release "
                  + to.name()
                  + " "
                  + to.version());
        }
      }
      if (instruction instanceof StartApplication start
          && to.application(start.application()).isEmpty()) {
        throw new IllegalArgumentException(
            "relup "
                + version
                + ", "
                + which
                + ": application "
                + start.application()
                + " is not in release "
                + to.name()
                + " "
                + to.version());
      }
    }
  }
}
