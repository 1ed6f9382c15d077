package dev.molt.sys;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import dev.molt.behaviour.CallException;
import dev.molt.code.CodeException;
import dev.molt.internal.process.ProcessCell;
import dev.molt.internal.process.Registry;
import dev.molt.internal.process.Timeouts;
import dev.molt.internal.server.GenServerCalls;
import dev.molt.internal.server.SysRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apiguardian.api.API;

/**
 * System messages to one running {@link dev.molt.behaviour.GenServer}, as OTP's {@code sys}:
 * suspend and resume it, change its code, read and replace its state, and look at it.
 *
 * <p>A suspended process handles only system messages; everything else waits in its mailbox and is
 * handled after {@link #resume}, in order. {@link #changeCode} is accepted only while the process
 * is suspended. Every function waits at most 5 seconds for the process to answer; suspend, resume,
 * change code and the state, status and statistics readers take another timeout as their last
 * argument. A timeout fails with a {@link CallException} naming the process.
 */
@API(status = STABLE, since = "0.1")
public final class Sys {
  private static final Duration DEFAULT = Timeouts.DEFAULT;

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
   * process stays on its old version with its old state and this throws {@link CodeException}. A
   * process already on the current version is left as it is.
   */
  public static void changeCode(Pid pid, String module, Object oldVsn, Object extra) {
    changeCode(pid, module, oldVsn, extra, DEFAULT);
  }

  public static void changeCode(
      Pid pid, String module, Object oldVsn, Object extra, Duration timeout) {
    ask(
        pid,
        new SysRequest.ChangeCode(Objects.requireNonNull(module, "module"), oldVsn, extra),
        timeout);
  }

  /** The process's state, as its callbacks see it. */
  public static Object getState(Pid pid) {
    return getState(pid, DEFAULT);
  }

  public static Object getState(Pid pid, Duration timeout) {
    return ask(pid, new SysRequest.GetState(), timeout);
  }

  /**
   * Replaces the state with {@code replace(state)}, run inside the process; returns the new state.
   */
  public static Object replaceState(Pid pid, UnaryOperator<Object> replace) {
    return replaceState(pid, replace, DEFAULT);
  }

  public static Object replaceState(Pid pid, UnaryOperator<Object> replace, Duration timeout) {
    return ask(
        pid, new SysRequest.ReplaceState(Objects.requireNonNull(replace, "replace")), timeout);
  }

  /** What the process is: its name, callbacks, module version, mode, state and mailbox. */
  public static ProcessStatus getStatus(Pid pid) {
    return getStatus(pid, DEFAULT);
  }

  public static ProcessStatus getStatus(Pid pid, Duration timeout) {
    return (ProcessStatus) ask(pid, new SysRequest.GetStatus(), timeout);
  }

  /** Its counters: messages handled, code changes made and failed, since when. */
  public static Statistics statistics(Pid pid) {
    return statistics(pid, DEFAULT);
  }

  public static Statistics statistics(Pid pid, Duration timeout) {
    return (Statistics) ask(pid, new SysRequest.GetStatistics(), timeout);
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
    ProcessCell cell = Registry.whereis(Objects.requireNonNull(name, "name"));
    if (cell == null) {
      throw CallException.noproc(name, "sys");
    }
    return cell.pid;
  }

  private static Object ask(Pid pid, SysRequest request, Duration timeout) {
    Object reply =
        GenServerCalls.call(
            ProcessCell.of(Objects.requireNonNull(pid, "pid")), pid, request, timeout);
    if (reply instanceof SysRequest.Refused refused) {
      throw refused.error();
    }
    return reply;
  }
}
