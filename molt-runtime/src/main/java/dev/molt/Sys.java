package dev.molt;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * System messages to a running {@link GenServer}, as OTP's {@code sys}: suspend and resume it,
 * change its code, read and replace its state, and look at it.
 *
 * <p>A suspended process handles only system messages; everything else waits in its mailbox and
 * is handled after {@link #resume}, in order. {@link #changeCode} is accepted only while the
 * process is suspended. Every function takes a timeout, 5 seconds by default; a timeout fails
 * with a {@link CallException} naming the process.
 */
public final class Sys {
  private static final Duration DEFAULT = Duration.ofSeconds(5);

  private Sys() {}

  public static void suspend(Pid pid) {
    suspend(pid, DEFAULT);
  }

  public static void suspend(Pid pid, Duration timeout) {
    ask(pid, new SysRequest.Suspend(), timeout);
  }

  public static void resume(Pid pid) {
    resume(pid, DEFAULT);
  }

  public static void resume(Pid pid, Duration timeout) {
    ask(pid, new SysRequest.Resume(), timeout);
  }

  /**
   * Moves a suspended process to the current version of {@code module}, migrating its state with
   * the new version's {@code codeChange(oldVsn, state, extra)}. If {@code codeChange} throws, the
   * process stays on its old version with its old state and this throws {@link CodeException}.
   * A process already on the current version is left as it is.
   */
  public static void changeCode(Pid pid, String module, Object oldVsn, Object extra) {
    changeCode(pid, module, oldVsn, extra, DEFAULT);
  }

  public static void changeCode(Pid pid, String module, Object oldVsn, Object extra, Duration timeout) {
    ask(pid, new SysRequest.ChangeCode(Objects.requireNonNull(module, "module"), oldVsn, extra), timeout);
  }

  /**
   * Puts a suspended process back on the version and the state it had before the code changes
   * made since it was suspended; does nothing if it made none. Refused once it has resumed: a
   * release install uses this to undo everything up to its point of no return.
   */
  public static void revertCodeChange(Pid pid) {
    ask(pid, new SysRequest.RevertCodeChange(), DEFAULT);
  }

  // ---- many processes at once ----------------------------------------------------------------

  /**
   * Suspends every process in {@code pids} at once, all within one {@code timeout}. If any does
   * not suspend in time, has died or refuses, every one of them is resumed (those still on their
   * way to suspending too, since the resume follows the suspend in their mailboxes) and a
   * {@link SysBatchException} names each process that failed and why.
   */
  public static void suspendAll(Collection<Pid> pids, Duration timeout) {
    Map<Pid, RuntimeException> failures = GenServerCalls.callAll(pids, new SysRequest.Suspend(), timeout);
    if (!failures.isEmpty()) {
      List<Pid> answered = pids.stream().filter(pid -> !failures.containsKey(pid)).toList();
      resumeAll(answered, timeout);
      resumeAll(failures.keySet(), Duration.ZERO);
      throw new SysBatchException("suspend", pids.size(), failures);
    }
  }

  /**
   * {@link #changeCode} for every process in {@code pids} at once (each must be suspended);
   * returns the processes that failed, with why. Those that succeeded stay on the new version
   * until {@link #revertCodeChangeAll} or {@link #resumeAll}.
   */
  public static Map<Pid, RuntimeException> changeCodeAll(Collection<Pid> pids, String module, Object oldVsn, Object extra,
      Duration timeout) {
    Objects.requireNonNull(module, "module");
    return GenServerCalls.callAll(pids, new SysRequest.ChangeCode(module, oldVsn, extra), timeout);
  }

  /**
   * Suspends every process in {@code pids} and moves it to the new version of {@code module}, in
   * one message each, all at once: half the round trips of {@link #suspendAll} then
   * {@link #changeCodeAll}. Returns the processes that failed, with why; a process in the list
   * may be suspended, and on the new version, whether it failed or not, so undo with
   * {@link #revertCodeChangeAll} and {@link #resumeAll} on all of them.
   */
  public static Map<Pid, RuntimeException> suspendAndChangeCodeAll(Collection<Pid> pids, String module, Object oldVsn,
      Object extra, Duration timeout) {
    Objects.requireNonNull(module, "module");
    return GenServerCalls.callAll(pids, new SysRequest.SuspendAndChange(module, oldVsn, extra), timeout);
  }

  /** {@link #revertCodeChange} for every process in {@code pids} at once; returns the failures. */
  public static Map<Pid, RuntimeException> revertCodeChangeAll(Collection<Pid> pids, Duration timeout) {
    return GenServerCalls.callAll(pids, new SysRequest.RevertCodeChange(), timeout);
  }

  /**
   * Resumes every process in {@code pids} at once; returns the failures (a process that died,
   * say). With a zero timeout it only sends: the resume waits in each mailbox behind what came
   * before it, which is how processes that did not answer in time are undone without waiting
   * for them.
   */
  public static Map<Pid, RuntimeException> resumeAll(Collection<Pid> pids, Duration timeout) {
    return GenServerCalls.callAll(pids, new SysRequest.Resume(), timeout);
  }

  public static Object getState(Pid pid) {
    return ask(pid, new SysRequest.GetState(), DEFAULT);
  }

  /** Replaces the state with {@code replace(state)}, run inside the process; returns the new state. */
  public static Object replaceState(Pid pid, UnaryOperator<Object> replace) {
    return ask(pid, new SysRequest.ReplaceState(Objects.requireNonNull(replace, "replace")), DEFAULT);
  }

  public static ProcessStatus getStatus(Pid pid) {
    return (ProcessStatus) ask(pid, new SysRequest.GetStatus(), DEFAULT);
  }

  public static Statistics statistics(Pid pid) {
    return (Statistics) ask(pid, new SysRequest.GetStatistics(), DEFAULT);
  }

  /** Logs every message the process handles, and its reply or new state, at INFO. */
  public static void trace(Pid pid, boolean on) {
    ask(pid, new SysRequest.Trace(on), DEFAULT);
  }

  /** Keeps the last {@code keep} events of the process for {@link #getLog}; 0 stops and clears. */
  public static void log(Pid pid, int keep) {
    if (keep < 0) {
      throw new IllegalArgumentException("keep must be 0 or more, got " + keep);
    }
    ask(pid, new SysRequest.Log(keep), DEFAULT);
  }

  @SuppressWarnings("unchecked")
  public static List<String> getLog(Pid pid) {
    return (List<String>) ask(pid, new SysRequest.GetLog(), DEFAULT);
  }

  /** The pid registered as {@code name}; a {@link CallException} of kind {@code NOPROC} if none. */
  public static Pid resolve(String name) {
    ProcessCell cell = Registry.whereis(name);
    if (cell == null) {
      throw CallException.noproc(name, "sys");
    }
    return cell.pid;
  }

  private static Object ask(Pid pid, SysRequest request, Duration timeout) {
    Object reply = GenServerCalls.call(Objects.requireNonNull(pid, "pid").cell, pid, request, timeout);
    if (reply instanceof SysRequest.Refused refused) {
      throw refused.error();
    }
    return reply;
  }
}
