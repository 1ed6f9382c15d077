package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Why a process ended, as a value.
 *
 * <p>The reasons follow OTP:
 *
 * <table>
 *   <caption>Exit reasons and what a linked process does with them</caption>
 *   <tr><th>reason</th><th>linked process not trapping exits</th><th>transient child</th></tr>
 *   <tr><td>{@link #normal()}</td><td>ignores it</td><td>not restarted</td></tr>
 *   <tr><td>{@link #shutdown()}, {@link #shutdown(Object)}</td><td>dies with it</td><td>not restarted</td></tr>
 *   <tr><td>{@link #kill()}</td><td>sent with {@link Process#exit(Pid, ExitReason)}: cannot be
 *       trapped, the target dies with {@link #killed()}, which its links see. A process that ends
 *       itself with {@code Process.exit(kill())} sends {@code kill} to its links, as OTP does; over a
 *       link it is an ordinary reason (trapped, or the link dies with it)</td><td>restarted</td></tr>
 *   <tr><td>{@link #killed()}</td><td>dies with it</td><td>restarted</td></tr>
 *   <tr><td>{@link #crash(Throwable)}</td><td>dies with it</td><td>restarted</td></tr>
 *   <tr><td>{@link #of(Object)}</td><td>dies with it</td><td>restarted</td></tr>
 * </table>
 */
@API(status = STABLE, since = "0.1")
public sealed interface ExitReason {

  /** The process finished its work. */
  @API(status = STABLE, since = "0.1")
  record Normal() implements ExitReason {
    @Override
    public String toString() {
      return "normal";
    }
  }

  /** The process was asked to stop, by its supervisor for example. {@code detail} may be null. */
  @API(status = STABLE, since = "0.1")
  record Shutdown(Object detail) implements ExitReason {
    @Override
    public String toString() {
      return detail == null ? "shutdown" : "{shutdown, " + detail + "}";
    }
  }

  /** The untrappable reason: a process sent {@code kill} dies whether it traps exits or not. */
  @API(status = STABLE, since = "0.1")
  record Kill() implements ExitReason {
    @Override
    public String toString() {
      return "kill";
    }
  }

  /** What the links of a killed process see. Unlike {@code kill} it can be trapped. */
  @API(status = STABLE, since = "0.1")
  record Killed() implements ExitReason {
    @Override
    public String toString() {
      return "killed";
    }
  }

  /** User code threw. The throwable keeps its stack. */
  @API(status = STABLE, since = "0.1")
  record Crash(Throwable cause) implements ExitReason {
    public Crash {
      Objects.requireNonNull(cause, "a crash needs its cause");
    }

    @Override
    public String toString() {
      return "crash(" + cause + ")";
    }
  }

  /** Any other reason, such as {@code noproc} or an application's own term. */
  @API(status = STABLE, since = "0.1")
  record Other(Object term) implements ExitReason {
    public Other {
      Objects.requireNonNull(term, "an exit reason term must not be null");
    }

    @Override
    public String toString() {
      return String.valueOf(term);
    }
  }

  static ExitReason normal() {
    return Reasons.NORMAL;
  }

  static ExitReason shutdown() {
    return Reasons.SHUTDOWN;
  }

  static ExitReason shutdown(Object detail) {
    return new Shutdown(detail);
  }

  static ExitReason kill() {
    return Reasons.KILL;
  }

  static ExitReason killed() {
    return Reasons.KILLED;
  }

  static ExitReason crash(Throwable cause) {
    return new Crash(cause);
  }

  /** The reason given to a link or monitor set on a process that no longer exists. */
  static ExitReason noproc() {
    return Reasons.NOPROC;
  }

  /**
   * The reason {@code term}; the atoms OTP gives meaning to are those reasons: {@code "normal"} is
   * {@link #normal()}, {@code "shutdown"} {@link #shutdown()}, {@code "kill"} {@link #kill()} and
   * {@code "killed"} {@link #killed()}.
   */
  static ExitReason of(Object term) {
    if (term instanceof ExitReason reason) {
      return reason;
    }
    if (term instanceof String atom) {
      switch (atom) {
        case "normal" -> {
          return Reasons.NORMAL;
        }
        case "shutdown" -> {
          return Reasons.SHUTDOWN;
        }
        case "kill" -> {
          return Reasons.KILL;
        }
        case "killed" -> {
          return Reasons.KILLED;
        }
        default -> {}
      }
    }
    return new Other(term);
  }

  /** {@code normal} or any {@code shutdown}: the reasons a transient child is not restarted for. */
  default boolean isNormalOrShutdown() {
    return this instanceof Normal || this instanceof Shutdown;
  }

  /** The throwable behind a crash, or null. */
  default Throwable cause() {
    return this instanceof Crash crash ? crash.cause() : null;
  }
}

final class Reasons {
  static final ExitReason NORMAL = new ExitReason.Normal();
  static final ExitReason SHUTDOWN = new ExitReason.Shutdown(null);
  static final ExitReason KILL = new ExitReason.Kill();
  static final ExitReason KILLED = new ExitReason.Killed();
  static final ExitReason NOPROC = new ExitReason.Other("noproc");

  private Reasons() {}
}
