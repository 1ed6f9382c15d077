package dev.molt.release;

import dev.molt.Pid;
import dev.molt.behaviour.ApplicationCallback;
import dev.molt.behaviour.ApplicationController;
import dev.molt.behaviour.Restart;
import dev.molt.code.CodeServer;
import dev.molt.code.Prepared;
import dev.molt.internal.upgrade.Upgrade;
import dev.molt.release.ReleaseDescriptor.Application;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One install: the steps of a relup script, and how to undo them until the point of no return
 * (docs/adr/0005). {@link ReleaseHandler#install} runs it under its lock.
 *
 * <p>{@code suspend, switch, code_change...} run as one round trip per process: the new versions
 * become pending, then each affected process is suspended and moved by one message, all at once,
 * each within the suspend's timeout of being asked. Until the point of no return any failure
 * reverts every suspended process, drops the pending versions and resumes everything; after it,
 * failures are warnings.
 */
final class Install {

  private static final Logger LOG = LoggerFactory.getLogger(Install.class);

  /** How long a code change that missed its deadline gets to come back once interrupted. */
  private static final Duration ABANDON_GRACE = Duration.ofSeconds(1);

  private final ReleaseHandler handler;
  private final String name;
  private final ReleaseHandler.Route path;
  private final Map<String, List<Pid>> suspendedByModule = new LinkedHashMap<>();
  private final List<Pid> suspended = new ArrayList<>();
  private final java.util.Set<Pid> unanswered = new java.util.LinkedHashSet<>();

  /**
   * The processes of each module suspended and moved by one message, as one batch: resumed by
   * lifting it, not by a message to each (docs/adr/0011).
   */
  private final Map<String, Upgrade.Batch> batches = new LinkedHashMap<>();

  private final List<String> warnings = new ArrayList<>();
  private Prepared prepared;
  private List<String> deleted = List.of();
  private boolean switched;
  private boolean committed;

  /** The release list before {@code RELEASES} was written for this install; null until then. */
  private List<ReleaseStatus> recorded;

  private long suspendedAt;

  private long pauseNanos;

  Install(ReleaseHandler handler, String name, ReleaseHandler.Route path) {
    this.handler = handler;
    this.name = name;
    this.path = path;
  }

  InstallResult run() {
    long start = System.nanoTime();
    String step = "start";
    try {
      List<RelupInstruction> steps = path.script().instructions();
      for (int i = 0; i < steps.size(); i++) {
        step = RelupCheck.name(steps.get(i));
        long t0 = System.nanoTime();
        int fused = fusedCodeChanges(steps, i);
        String where =
            fused > 0
                ? "steps " + (i + 1) + "-" + (i + 2 + fused) + " of " + steps.size()
                : "step " + (i + 1) + " of " + steps.size();
        if (fused > 0) {
          step =
              step
                  + ", switch and "
                  + steps.subList(i + 2, i + 2 + fused).stream()
                      .map(RelupCheck::name)
                      .collect(java.util.stream.Collectors.joining(", "));
          suspendAndChange(
              where,
              (RelupInstruction.Suspend) steps.get(i),
              steps.get(i + 1),
              steps.subList(i + 2, i + 2 + fused));
          i += 1 + fused;
        } else {
          Progress.phase(LOG, where + ": " + step);
          execute(steps.get(i));
        }
        Progress.phase(LOG, where + ": done in " + Progress.millis(System.nanoTime() - t0));
      }
    } catch (RuntimeException | IOException | ReflectiveOperationException e) {
      Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
      if (!committed) {
        Progress.phase(LOG, "failed at " + step + "; rolling back"); // the why ends the command
        Map<Pid, String> abandoned = Upgrade.abandon(unanswered, ABANDON_GRACE);
        abandoned.forEach(
            (pid, what) -> LOG.warn("install of {} {}: {} {}", name, path.to(), pid, what));
        rollBack();
        if (recorded != null) {
          handler.unrecordInstall(recorded);
        }
        throw new InstallException(
            "install of "
                + name
                + " "
                + path.to()
                + " failed at "
                + step
                + " and was rolled back; "
                + name
                + " "
                + path.from()
                + " is still running: "
                + cause.getMessage()
                + abandoned.entrySet().stream()
                    .map(stuck -> "; " + stuck.getKey() + ": " + stuck.getValue())
                    .collect(java.util.stream.Collectors.joining()),
            true,
            cause);
      }
      throw new InstallException(
          "install of "
              + name
              + " "
              + path.to()
              + " failed at "
              + step
              + ", after its point of no "
              + "return: "
              + cause.getMessage(),
          false,
          cause);
    }
    relabelApplications();
    return new InstallResult(
        path.from(),
        path.to(),
        suspended.size(),
        Duration.ofNanos(pauseNanos),
        Duration.ofNanos(System.nanoTime() - start),
        warnings);
  }

  /**
   * After a successful install, the applications the target release runs in place carry its
   * versions (a status after an upgrade shows them, not the versions they booted with).
   */
  private void relabelApplications() {
    ApplicationController controller = ApplicationController.node();
    java.util.Map<String, String> running = new java.util.HashMap<>();
    controller.whichApplications().forEach(a -> running.put(a.name(), a.version()));
    for (ReleaseDescriptor.Application application : path.target().applications()) {
      String version = running.get(application.name());
      if (version != null && !version.equals(application.version())) {
        try {
          controller.upgraded(application.name(), application.version());
        } catch (RuntimeException e) {
          warnings.add(
              "application " + application.name() + " version not updated: " + e.getMessage());
        }
      }
    }
  }

  /**
   * How many code changes follow {@code suspend, switch} at {@code i}, if they can be done in the
   * same round trip as the suspension (each on a suspended module); 0 if not.
   */
  private static int fusedCodeChanges(List<RelupInstruction> steps, int i) {
    if (!(steps.get(i) instanceof RelupInstruction.Suspend suspend)
        || i + 1 >= steps.size()
        || !(steps.get(i + 1) instanceof RelupInstruction.Switch)) {
      return 0;
    }
    int count = 0;
    while (i + 2 + count < steps.size()
        && steps.get(i + 2 + count) instanceof RelupInstruction.CodeChange change
        && suspend.modules().contains(change.module())) {
      count++;
    }
    return count;
  }

  /**
   * {@code suspend, switch, code_change...} with one round trip per process: the new versions
   * become pending (seen by no one but the code changes), then each process of a changed module is
   * suspended and moved by one message, and the processes of the other suspended modules are
   * suspended; each process within the suspend's timeout of being asked, so that an install of many
   * takes what their number needs (the timeout bounds each process, as in OTP, where {@code
   * release_handler} suspends one process at a time, each with the timeout).
   */
  private void suspendAndChange(
      String where,
      RelupInstruction.Suspend suspend,
      RelupInstruction switchStep,
      List<RelupInstruction> changes)
      throws IOException, ReflectiveOperationException {
    execute(switchStep);
    // the processes are listed before the first is suspended: the listing is no part of the pause
    Map<RelupInstruction.CodeChange, List<Pid>> listed = new LinkedHashMap<>();
    for (RelupInstruction instruction : changes) {
      RelupInstruction.CodeChange change = (RelupInstruction.CodeChange) instruction;
      listed.put(change, processesOf(change.module()));
    }
    Duration timeout = suspend.timeout() == null ? Duration.ofDays(1) : suspend.timeout();
    suspendedAt = System.nanoTime();
    List<String> changed = new ArrayList<>();
    Progress.phase(
        LOG,
        where
            + ": suspend "
            + String.join(", ", suspend.modules())
            + ", switch and code_change: "
            + processes(listed.values().stream().mapToInt(List::size).sum())
            + ", each within "
            + timeout.toMillis()
            + " ms of being asked");
    for (var entry : listed.entrySet()) {
      RelupInstruction.CodeChange change = entry.getKey();
      List<Pid> pids = entry.getValue();
      suspended.addAll(pids);
      Upgrade.Batch batch = Upgrade.batch(pids);
      batches.put(change.module(), batch);
      Map<Pid, RuntimeException> failures =
          Upgrade.suspendAndChangeCodeAll(
              pids, change.module(), null, change.extra(), timeout, batch);
      noteUnanswered(failures);
      if (!failures.isEmpty()) {
        var first = failures.entrySet().iterator().next();
        throw new IllegalStateException(
            "suspend and code change of module "
                + change.module()
                + " failed in "
                + failures.size()
                + " of "
                + pids.size()
                + " processes, first "
                + first.getKey()
                + ": "
                + first.getValue().getMessage()
                + timeoutNote(failures, timeout),
            first.getValue());
      }
      changed.add(change.module());
    }
    for (String module : suspend.modules()) {
      if (!changed.contains(module)) {
        List<Pid> pids = processesOf(module);
        Upgrade.suspendAll(pids, timeout);
        suspended.addAll(pids);
      }
    }
  }

  private static String processes(int count) {
    return count == 1 ? "1 process" : count + " processes";
  }

  /**
   * What a failure of timeouts should tell the operator: the timeout is each process's, so the
   * number of processes is no reason to raise it; a process that needs longer does.
   */
  private static String timeoutNote(Map<Pid, RuntimeException> failures, Duration timeout) {
    long timedOut =
        failures.values().stream()
            .filter(
                e ->
                    e instanceof dev.molt.behaviour.CallException c
                        && c.kind() == dev.molt.behaviour.CallException.Kind.TIMEOUT)
            .count();
    return timedOut == 0
        ? ""
        : " ("
            + timedOut
            + " did not answer within "
            + timeout.toMillis()
            + " ms of being asked; the timeout is each process's, whatever their number: raise"
            + " the update's timeout only for a code change that needs longer)";
  }

  private List<Pid> processesOf(String module) {
    // servers only: a plain process on the module's code cannot be suspended or moved; it stays
    // on the old version (a brutal purge kills it, a soft one is refused while it runs)
    List<Pid> running = CodeServer.isLoaded(module) ? CodeServer.servers(module) : List.of();
    suspendedByModule.put(module, running);
    return running;
  }

  private void execute(RelupInstruction instruction)
      throws IOException, ReflectiveOperationException {
    ApplicationController controller = ApplicationController.node();
    switch (instruction) {
      case RelupInstruction.Prepare p ->
          prepared = CodeServer.prepare(handler.sources(path.target(), p.modules()), true);
      case RelupInstruction.Suspend s -> {
        List<Pid> pids = new ArrayList<>();
        for (String module : s.modules()) {
          pids.addAll(processesOf(module));
        }
        if (suspendedAt == 0) {
          suspendedAt = System.nanoTime();
        }
        Upgrade.suspendAll(pids, s.timeout() == null ? Duration.ofDays(1) : s.timeout());
        suspended.addAll(pids);
      }
      case RelupInstruction.Switch w -> {
        if (prepared != null) {
          Upgrade.hold(prepared);
          switched = true;
        }
        deleted = w.deleted();
      }
      case RelupInstruction.CodeChange c -> {
        List<Pid> pids = suspendedByModule.getOrDefault(c.module(), List.of());
        Map<Pid, RuntimeException> failures =
            Upgrade.changeCodeAll(pids, c.module(), null, c.extra(), Duration.ofSeconds(30));
        noteUnanswered(failures);
        if (!failures.isEmpty()) {
          var first = failures.entrySet().iterator().next();
          throw new IllegalStateException(
              "code change of module "
                  + c.module()
                  + " failed in "
                  + failures.size()
                  + " of "
                  + pids.size()
                  + " processes, first "
                  + first.getKey()
                  + ": "
                  + first.getValue().getMessage(),
              first.getValue());
        }
      }
      case RelupInstruction.Apply a -> apply(a);
      case RelupInstruction.PointOfNoReturn p -> {
        recorded = handler.recordInstall(path.to()); // fails here: rolled back, nothing committed
        Progress.phase(LOG, "point of no return: RELEASES records " + path.to());
        if (switched) {
          Upgrade.commit(prepared);
        }
        committed = true;
        for (String module : deleted) {
          if (CodeServer.isLoaded(module)) {
            CodeServer.delete(module);
          }
        }
      }
      case RelupInstruction.Resume r -> {
        List<Pid> pids = new ArrayList<>();
        for (String module : r.modules()) {
          Upgrade.Batch batch = batches.remove(module);
          if (batch != null) {
            Upgrade.lift(batch, List.of());
          } else {
            pids.addAll(suspendedByModule.getOrDefault(module, List.of()));
          }
        }
        Map<Pid, RuntimeException> failures = Upgrade.resumeAll(pids, Duration.ofSeconds(30));
        pauseNanos = Math.max(pauseNanos, System.nanoTime() - suspendedAt);
        failures.forEach(
            (pid, error) -> warnings.add("resume of " + pid + " failed: " + error.getMessage()));
      }
      case RelupInstruction.StopApplication s -> {
        if (controller.isRunning(s.application())) {
          controller.stop(s.application());
        }
        controller.unload(s.application());
      }
      case RelupInstruction.StartApplication s -> {
        Application application = path.target().application(s.application()).orElseThrow();
        controller.load(
            ReleaseHandler.spec(application), handler.config(path.target()).effective(application));
        controller.start(application.name(), Restart.PERMANENT);
      }
      case RelupInstruction.ConfigChange c ->
          controller.changeConfig(
              c.application(),
              handler
                  .config(path.target())
                  .effective(path.target().application(c.application()).orElseThrow()));
      case RelupInstruction.UpdateSupervisor u -> updateSupervisor(u);
      case RelupInstruction.PrePurge p -> {
        if (p.mode() == AppupInstruction.Purge.SOFT) {
          for (String module : p.modules()) {
            int holders = CodeServer.isLoaded(module) ? CodeServer.oldProcessCount(module) : 0;
            if (holders > 0) {
              throw new IllegalStateException(
                  "module "
                      + module
                      + " still has old code run by "
                      + holders
                      + " processes, and its update asks for pre_purge=soft");
            }
          }
        }
      }
      case RelupInstruction.PostPurge p -> {
        if (p.mode() == AppupInstruction.Purge.BRUTAL) {
          for (String module : p.modules()) {
            if (CodeServer.isLoaded(module)) {
              CodeServer.purge(module);
            }
          }
        }
      }
    }
  }

  /**
   * Stops and forgets the children {@code stop}, then starts the children {@code start} from the
   * specs the new version's application callback gives for that supervisor. After the point of no
   * return: a failure is a warning.
   */
  private void updateSupervisor(RelupInstruction.UpdateSupervisor u) {
    Optional<Pid> supervisor = dev.molt.Process.whereis(u.supervisor());
    if (supervisor.isEmpty()) {
      warnings.add(
          "supervisor " + u.supervisor() + " is not running; its children were not changed");
      return;
    }
    for (String id : u.stop()) {
      try {
        dev.molt.behaviour.Supervisor.terminateChild(supervisor.get(), id);
        dev.molt.behaviour.Supervisor.deleteChild(supervisor.get(), id);
      } catch (RuntimeException e) {
        warnings.add(
            "supervisor "
                + u.supervisor()
                + ": could not stop child "
                + id
                + ": "
                + e.getMessage());
      }
    }
    if (u.start().isEmpty()) {
      return;
    }
    List<dev.molt.behaviour.ChildSpec> specs = new ArrayList<>();
    for (Application application : path.target().applications()) {
      CodeServer.currentClass(application.start())
          .ifPresent(
              type ->
                  specs.addAll(
                      CodeServer.newInstance(type, ApplicationCallback.class)
                          .childSpecs(u.supervisor())));
    }
    for (String id : u.start()) {
      Optional<dev.molt.behaviour.ChildSpec> spec =
          specs.stream().filter(s -> s.id().equals(id)).findFirst();
      if (spec.isEmpty()) {
        warnings.add(
            "supervisor "
                + u.supervisor()
                + ": no application callback gives a child spec "
                + id
                + " (ApplicationCallback.childSpecs)");
        continue;
      }
      try {
        dev.molt.behaviour.Supervisor.startChild(supervisor.get(), spec.get());
      } catch (RuntimeException e) {
        warnings.add(
            "supervisor "
                + u.supervisor()
                + ": could not start child "
                + id
                + ": "
                + e.getMessage());
      }
    }
  }

  private void apply(RelupInstruction.Apply a) throws ReflectiveOperationException {
    Class<?> type =
        (prepared == null ? Optional.<Class<?>>empty() : Upgrade.findClass(prepared, a.className()))
            .or(() -> CodeServer.currentClass(a.className()))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "apply: class " + a.className() + " is in no loaded module"));
    Method method;
    try {
      method = type.getMethod(a.method(), String[].class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(
          "apply: " + a.className() + " has no public static " + a.method() + "(String...)");
    }
    if (!Modifier.isStatic(method.getModifiers())) {
      throw new IllegalStateException(
          "apply: " + a.className() + "." + a.method() + " is not static");
    }
    method.invoke(null, (Object) a.args().toArray(String[]::new));
  }

  /**
   * Processes that did not answer in time: the rollback sends them its messages without waiting.
   */
  private void noteUnanswered(Map<Pid, RuntimeException> failures) {
    failures.forEach(
        (pid, error) -> {
          if (error instanceof dev.molt.behaviour.CallException call
              && call.kind() == dev.molt.behaviour.CallException.Kind.TIMEOUT) {
            unanswered.add(pid);
          }
        });
  }

  /**
   * Puts every suspended process back, then the code. The pending versions are withdrawn first, so
   * that a late code change finds nothing to move to; a process that did not answer in time is
   * given {@code ABANDON_GRACE} to revert (its change may have ended late, before the withdrawal),
   * then gets its revert and resume queued behind the request it has not handled yet.
   */
  private void rollBack() {
    if (switched) {
      Upgrade.withdraw(prepared); // no process moves to the new code from here, however late
    }
    List<Pid> answering = suspended.stream().filter(pid -> !unanswered.contains(pid)).toList();
    Upgrade.revertCodeChangeAll(answering, Duration.ofSeconds(30))
        .forEach(
            (pid, error) ->
                LOG.warn("rollback: {} could not be reverted: {}", pid, error.getMessage()));
    // one that answered after its timeout, but before the withdrawal, runs the new code: it goes
    // back too, instead of being killed with it; one still busy times out here, as it did
    Upgrade.revertCodeChangeAll(unanswered, ABANDON_GRACE);
    if (switched) {
      Upgrade.rollback(prepared);
    }
    java.util.Set<Pid> inBatches = new java.util.HashSet<>();
    batches.forEach(
        (module, batch) -> {
          inBatches.addAll(suspendedByModule.getOrDefault(module, List.of()));
          Upgrade.lift(batch, unanswered);
        });
    batches.clear();
    Upgrade.resumeAll(
            answering.stream().filter(pid -> !inBatches.contains(pid)).toList(),
            Duration.ofSeconds(30))
        .forEach(
            (pid, error) ->
                LOG.warn("rollback: {} could not be resumed: {}", pid, error.getMessage()));
    Upgrade.revertCodeChangeAll(unanswered, Duration.ZERO);
    Upgrade.resumeAll(unanswered, Duration.ZERO);
  }
}
