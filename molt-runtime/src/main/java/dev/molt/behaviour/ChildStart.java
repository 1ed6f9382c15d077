package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Starts a child and returns its pid, linked to the calling process (the supervisor); returns null
 * to say "ignore" (the child is kept in the spec but not running). A start that throws fails the
 * child's start.
 *
 * <p>{@code extraArgs} is empty for ordinary children; for {@link
 * RestartStrategy#SIMPLE_ONE_FOR_ONE} it holds what {@link Supervisor#startChild(Pid, List)} was
 * given.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface ChildStart {
  Pid start(List<Object> extraArgs) throws Exception;

  /**
   * Starts the child and returns its pid with extra information for whoever asked the supervisor to
   * start it, as OTP's {@code {ok, Pid, Info}}: {@link Supervisor#startChildWithInfo} and {@link
   * Supervisor#restartChildWithInfo} return it; the supervisor itself ignores it. The default has
   * no information.
   */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  default Started startWithInfo(List<Object> extraArgs) throws Exception {
    return new Started(start(extraArgs), null);
  }

  /** A child's pid (null: ignore) and its start's extra information (null: none). */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  record Started(Pid pid, Object info) {}

  /** A start that returns extra information with the pid. */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  @FunctionalInterface
  interface WithInfo {
    Started start(List<Object> extraArgs) throws Exception;
  }

  /** A child start from one that also returns extra information (OTP's {@code {ok, Pid, Info}}). */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  static ChildStart withInfo(WithInfo start) {
    java.util.Objects.requireNonNull(start, "start");
    return new ChildStart() {
      @Override
      public Pid start(List<Object> extraArgs) throws Exception {
        return start.start(extraArgs).pid();
      }

      @Override
      public Started startWithInfo(List<Object> extraArgs) throws Exception {
        return start.start(extraArgs);
      }
    };
  }
}
