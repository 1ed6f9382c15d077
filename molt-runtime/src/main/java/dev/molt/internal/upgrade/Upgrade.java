package dev.molt.internal.upgrade;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.code.LoadResult;
import dev.molt.code.Prepared;
import dev.molt.internal.code.ModuleTable;
import dev.molt.internal.code.ModuleVersion;
import dev.molt.internal.code.PreparedLoad;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.Timeouts;
import dev.molt.internal.server.GenServerCalls;
import dev.molt.internal.server.GenServerLoop;
import dev.molt.internal.server.Suspension;
import dev.molt.internal.server.SysRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The primitives of a transactional upgrade, for the release handler (and the console's reloads):
 * system requests to many processes at once, and a held switch of new code that stays undoable
 * until its point of no return (docs/adr/0005).
 *
 * <pre>
 * hold(prepared)                      new versions pending: seen only by explicit code changes
 * suspendAndChangeCodeAll(pids, ...)  every process suspended and moved, in one round trip each
 * -- on failure --                    revertCodeChangeAll, rollback(prepared), resumeAll
 * commit(prepared)                    the point of no return: the pending versions become current
 * resumeAll(pids)                     each process goes on, on new code
 * </pre>
 *
 * <p>Not API: exported only to {@code dev.molt.release} and {@code dev.molt.console}.
 */
public final class Upgrade {
  private static final ModuleTable TABLE = ModuleTable.node();

  private Upgrade() {}

  // ---- the held switch ---------------------------------------------------------------------

  /**
   * Finishes a load without switching yet: the new versions become pending. Until {@link #commit}
   * nothing sees them (not a lazy switch, not a new process, not {@code CodeServer.currentClass})
   * except an explicit code change, which moves a suspended process to the pending version; {@link
   * #rollback} drops them. Fails, changing nothing, if the table moved since the prepare or if a
   * module still has old code (unless the load was prepared with purgeFirst, which purges it here).
   */
  public static void hold(Prepared prepared) {
    TABLE.hold(prepared);
  }

  /**
   * Makes the pending versions of {@link #hold} current, all at once; processes then switch as
   * after a finish.
   */
  public static LoadResult commit(Prepared prepared) {
    return TABLE.commit(prepared);
  }

  /**
   * From now on no code change moves a process to the pending versions of {@code prepared}: the
   * first step of a rollback, before the processes that moved are reverted (one that answered its
   * request late may have moved after the install gave up on it).
   */
  public static void withdraw(Prepared prepared) {
    TABLE.withdraw(prepared);
  }

  /**
   * Drops the pending versions of {@link #hold}: the code that was current stays current, and the
   * dropped versions are purged (a process still on one is killed, with a warning). Processes that
   * changed code must have been put back first ({@link #revertCodeChangeAll}).
   */
  public static void rollback(Prepared prepared) {
    TABLE.rollback(prepared);
  }

  /**
   * The class of that name in one of the versions {@code prepared} brings, defined and linked but
   * not current until the load is finished or committed: how an upgrade calls into its new code
   * before its point of no return.
   */
  public static Optional<Class<?>> findClass(Prepared prepared, String className) {
    return PreparedLoad.of(prepared).findClass(className);
  }

  /**
   * Puts a suspended process back on the version and the state it had before the code changes made
   * since it was suspended; does nothing if it made none. Refused once it has resumed: a release
   * install uses this to undo everything up to its point of no return.
   */
  public static void revertCodeChange(Pid pid) {
    Object reply =
        GenServerCalls.call(
            ProcessCell.of(Objects.requireNonNull(pid, "pid")),
            pid,
            new SysRequest.RevertCodeChange(),
            Timeouts.DEFAULT);
    if (reply instanceof SysRequest.Refused refused) {
      throw refused.error();
    }
  }

  /**
   * Of {@code classNames}, those no module may define (classes or packages of the runtime or of the
   * stable layer), each with why: what an unpack checks before a release's modules reach the root.
   */
  public static Map<String, String> refusedModuleClasses(Iterable<String> classNames) {
    return dev.molt.internal.code.LoadChecks.refused(classNames);
  }

  /**
   * Marks {@code module} as a release's library: its mutable statics are reported in one line and
   * never refuse a load, since its code is not the user's to change.
   */
  public static void markLibrary(String module) {
    dev.molt.internal.code.LoadChecks.library(module);
  }

  // ---- many processes at once ----------------------------------------------------------------

  /**
   * Suspends every process in {@code pids} at once, each within {@code timeout} of being asked (so
   * that the time a batch takes grows with its size, not its deadline). If any does not suspend in
   * time, has died or refuses, every one of them is resumed (those still on their way to suspending
   * too, since the resume follows the suspend in their mailboxes) and a {@link SysBatchException}
   * names each process that failed and why.
   */
  public static void suspendAll(Collection<Pid> pids, Duration timeout) {
    Map<Pid, RuntimeException> failures =
        GenServerCalls.callAll(pids, new SysRequest.Suspend(), timeout);
    if (!failures.isEmpty()) {
      List<Pid> answered = pids.stream().filter(pid -> !failures.containsKey(pid)).toList();
      resumeAll(answered, timeout);
      resumeAll(failures.keySet(), Duration.ZERO);
      throw new SysBatchException("suspend", pids.size(), failures);
    }
  }

  /**
   * {@code Sys.changeCode} for every process in {@code pids} at once (each must be suspended);
   * returns the processes that failed, with why. Those that succeeded stay on the new version until
   * {@link #revertCodeChangeAll} or {@link #resumeAll}.
   */
  public static Map<Pid, RuntimeException> changeCodeAll(
      Collection<Pid> pids, String module, Object oldVsn, Object extra, Duration timeout) {
    Objects.requireNonNull(module, "module");
    return GenServerCalls.callAll(pids, new SysRequest.ChangeCode(module, oldVsn, extra), timeout);
  }

  /**
   * Suspends every process in {@code pids} and moves it to the new version of {@code module}, in
   * one message each, all at once: half the round trips of {@link #suspendAll} then {@link
   * #changeCodeAll}. Returns the processes that failed, with why; a process in the list may be
   * suspended, and on the new version, whether it failed or not, so undo with {@link
   * #revertCodeChangeAll} and {@link #resumeAll} on all of them.
   */
  public static Map<Pid, RuntimeException> suspendAndChangeCodeAll(
      Collection<Pid> pids, String module, Object oldVsn, Object extra, Duration timeout) {
    return suspendAndChangeCodeAll(pids, module, oldVsn, extra, timeout, null);
  }

  /**
   * {@link #suspendAndChangeCodeAll}, each process suspended as one of {@code batch} (made for
   * these {@code pids}, in this order): {@link #lift} then resumes them all at once, without a
   * message to each. Null: each is suspended on its own.
   */
  public static Map<Pid, RuntimeException> suspendAndChangeCodeAll(
      Collection<Pid> pids,
      String module,
      Object oldVsn,
      Object extra,
      Duration timeout,
      Batch batch) {
    Objects.requireNonNull(module, "module");
    if (batch != null && batch.suspension.size() != pids.size()) {
      throw new IllegalArgumentException(
          "a batch made for " + batch.suspension.size() + " processes, given " + pids.size());
    }
    return GenServerCalls.callAll(
        pids,
        new SysRequest.SuspendAndChange(
            module, oldVsn, extra, batch == null ? null : batch.suspension),
        timeout);
  }

  /**
   * Processes suspended together by {@link #suspendAndChangeCodeAll} and resumed together by {@link
   * #lift}.
   */
  public static final class Batch {
    private final Suspension suspension;

    private Batch(List<Pid> pids) {
      this.suspension = new Suspension(pids);
    }
  }

  /** A batch for {@link #suspendAndChangeCodeAll} of {@code pids}, in this order. */
  public static Batch batch(List<Pid> pids) {
    return new Batch(pids);
  }

  /**
   * Resumes every process suspended as one of {@code batch}, at once, but those in {@code
   * staySuspended}: processes that did not answer in time, which stay suspended on their own until
   * the revert and the resume queued for them. Those that reverted their code change resume on the
   * old code.
   */
  public static void lift(Batch batch, Collection<Pid> staySuspended) {
    batch.suspension.lift(staySuspended);
  }

  /** {@link #revertCodeChange} for every process in {@code pids} at once; returns the failures. */
  public static Map<Pid, RuntimeException> revertCodeChangeAll(
      Collection<Pid> pids, Duration timeout) {
    return GenServerCalls.callAll(pids, new SysRequest.RevertCodeChange(), timeout);
  }

  /**
   * Resumes every process in {@code pids} at once; returns the failures (a process that died, say).
   * With a zero timeout it only sends: the resume waits in each mailbox behind what came before it,
   * which is how processes that did not answer in time are undone without waiting for them.
   */
  public static Map<Pid, RuntimeException> resumeAll(Collection<Pid> pids, Duration timeout) {
    return GenServerCalls.callAll(pids, new SysRequest.Resume(), timeout);
  }

  private static Thread runnerOf(ProcessCell cell) {
    return cell.server instanceof GenServerLoop<?> loop ? loop.systemRunner() : null;
  }

  /**
   * Deals with processes that did not answer a system request in time, before an install rolls
   * back. One whose request is running (a {@code codeChange} that hangs) has the thread running it
   * interrupted, and {@code grace} to come back; one that does not is killed, so that its
   * supervisor restarts it, instead of staying held or suspended for good. One whose request has
   * not started (it is busy with an earlier message) is left: what the rollback sends it waits
   * behind that request. Returns, for each process dealt with, what was done and where its request
   * hung.
   */
  public static Map<Pid, String> abandon(Collection<Pid> pids, Duration grace) {
    Map<Pid, String> report = new LinkedHashMap<>();
    Map<Pid, Thread> interrupted = new LinkedHashMap<>();
    for (Pid pid : pids) {
      ProcessCell cell = ProcessCell.of(pid);
      Thread runner = cell == null ? null : runnerOf(cell);
      if (runner == null || !cell.isAlive()) {
        continue;
      }
      report.put(pid, "its code change hung at " + frames(runner.getStackTrace()));
      runner.interrupt();
      interrupted.put(pid, runner);
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (Map.Entry<Pid, Thread> entry : interrupted.entrySet()) {
      Pid pid = entry.getKey();
      ProcessCell cell = ProcessCell.of(pid);
      while (runnerOf(cell) == entry.getValue() && System.nanoTime() - deadline < 0) {
        LockSupport.parkNanos(1_000_000);
      }
      if (runnerOf(cell) != entry.getValue()) {
        report.merge(pid, "; interrupted, it came back", String::concat);
        continue;
      }
      dev.molt.Process.exit(pid, ExitReason.kill());
      report.merge(
          pid,
          "; it did not come back when interrupted and was killed (its supervisor restarts it);"
              + " the thread that ran it cannot be stopped from outside and may still run",
          String::concat);
    }
    return report;
  }

  private static String frames(StackTraceElement[] stack) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(24, stack.length); i++) {
      out.append(i == 0 ? "" : " <- ").append(stack[i]);
    }
    return stack.length == 0 ? "(no stack)" : out.toString();
  }

  /**
   * Moves every process still on the old code of {@code module} to its current code now: suspends
   * them all at once, changes their code, resumes them. Returns the processes that did not move,
   * each with why; they stay on the old code (if one does not suspend in time, none moves). The
   * timeouts are the caller's policy.
   */
  public static Map<Pid, RuntimeException> moveOldProcesses(
      String module, Duration suspendTimeout, Duration changeTimeout) {
    ModuleVersion old = TABLE.old(module);
    List<Pid> pids = old == null ? List.of() : old.serverPids();
    Map<Pid, RuntimeException> failed = new LinkedHashMap<>();
    if (old != null) {
      // a plain process cannot move: it says so, and stays until it ends or a purge kills it
      IllegalStateException plain =
          new IllegalStateException(
              "a plain process cannot change its code; it runs "
                  + old
                  + " until it ends or the old version is purged");
      old.pids().stream().filter(pid -> !pids.contains(pid)).forEach(pid -> failed.put(pid, plain));
    }
    if (pids.isEmpty()) {
      return failed;
    }
    try {
      suspendAll(pids, suspendTimeout);
    } catch (SysBatchException e) {
      failed.putAll(e.failures());
      IllegalStateException notTried = new IllegalStateException("not moved: " + e.getMessage());
      pids.forEach(pid -> failed.putIfAbsent(pid, notTried));
      return failed;
    }
    failed.putAll(changeCodeAll(pids, module, null, null, changeTimeout));
    resumeAll(pids, changeTimeout).forEach(failed::putIfAbsent);
    return failed;
  }
}
