package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * One high-level step of an {@link Appup}, as a person writes it. The relup generator turns them
 * into {@link RelupInstruction}s.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public sealed interface AppupInstruction {
  /** What to do with processes still on the old code after the switch. */
  @API(status = EXPERIMENTAL, since = "0.1")
  enum Purge {
    SOFT,
    BRUTAL
  }

  /**
   * New code for a module whose processes may switch lazily, at their next message: no suspension.
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record LoadModule(String module) implements AppupInstruction {}

  /**
   * New code for a module whose processes are suspended, moved with {@code codeChange(oldVsn,
   * state, extra)} and resumed. {@code timeout} bounds the suspension (null: no bound). {@code
   * dependsOn} are modules whose processes must be suspended too and resumed after.
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record Update(
      String module,
      String extra,
      Duration timeout,
      Purge prePurge,
      Purge postPurge,
      List<String> dependsOn)
      implements AppupInstruction {
    public Update {
      dependsOn = List.copyOf(dependsOn);
    }
  }

  @API(status = EXPERIMENTAL, since = "0.1")
  record AddModule(String module) implements AppupInstruction {}

  @API(status = EXPERIMENTAL, since = "0.1")
  record DeleteModule(String module) implements AppupInstruction {}

  @API(status = EXPERIMENTAL, since = "0.1")
  record AddApplication(String application) implements AppupInstruction {}

  @API(status = EXPERIMENTAL, since = "0.1")
  record RemoveApplication(String application) implements AppupInstruction {}

  @API(status = EXPERIMENTAL, since = "0.1")
  record RestartApplication(String application) implements AppupInstruction {}

  /**
   * The supervisor registered as {@code supervisor} takes the child specs its application's new
   * version gives it; the children {@code start} are started and {@code stop} stopped.
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record UpdateSupervisor(String supervisor, List<String> start, List<String> stop)
      implements AppupInstruction {
    public UpdateSupervisor {
      start = List.copyOf(start);
      stop = List.copyOf(stop);
    }
  }

  /**
   * Calls {@code className.method(String...)}, a static method of the new code, with {@code args}.
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record Apply(String className, String method, List<String> args) implements AppupInstruction {
    public Apply {
      args = List.copyOf(args);
    }
  }

  /**
   * The application's config becomes the new release's, and its callback's {@code configChange} is
   * called.
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record ConfigChange(String application) implements AppupInstruction {}
}
