package dev.molt.release;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * One low-level step of a {@link Relup} script, run by the release handler in order. Everything
 * before {@link PointOfNoReturn} is undone if a step fails: no process has resumed on new code yet.
 * After it, a failure is reported and the script goes on.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public sealed interface RelupInstruction {
  /**
   * Before anything loads: old code of {@code modules} that processes still run is refused ({@code
   * SOFT}: the install fails, changing nothing) or left to be purged, killing them, when the new
   * versions load ({@code BRUTAL}).
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record PrePurge(List<String> modules, AppupInstruction.Purge mode) implements RelupInstruction {
    public PrePurge {
      modules = List.copyOf(modules);
    }
  }

  /**
   * After the resume: the code that became old is purged at once, killing any process still on it
   * ({@code BRUTAL}), or left until no process runs it, for makePermanent ({@code SOFT}).
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record PostPurge(List<String> modules, AppupInstruction.Purge mode) implements RelupInstruction {
    public PostPurge {
      modules = List.copyOf(modules);
    }
  }

  /**
   * Reads, defines and links the target release's versions of {@code modules}; switches nothing
   * (checkInstall stops here).
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record Prepare(List<String> modules) implements RelupInstruction {
    public Prepare {
      modules = List.copyOf(modules);
    }
  }

  /**
   * Suspends every process running one of {@code modules}, all in parallel, within {@code timeout}
   * (null: unbounded).
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record Suspend(List<String> modules, Duration timeout) implements RelupInstruction {
    public Suspend {
      modules = List.copyOf(modules);
    }
  }

  /** Makes the prepared versions current and the {@code deleted} modules old, all at once. */
  @API(status = EXPERIMENTAL, since = "0.1")
  record Switch(List<String> deleted) implements RelupInstruction {
    public Switch {
      deleted = List.copyOf(deleted);
    }
  }

  /**
   * Moves every suspended process of {@code module} to its new version through {@code codeChange}.
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  record CodeChange(String module, String extra) implements RelupInstruction {}

  /** Calls a static method of the new code. */
  @API(status = EXPERIMENTAL, since = "0.1")
  record Apply(String className, String method, List<String> args) implements RelupInstruction {
    public Apply {
      args = List.copyOf(args);
    }
  }

  /** From here on nothing is undone: the next step resumes processes on new code. */
  @API(status = EXPERIMENTAL, since = "0.1")
  record PointOfNoReturn() implements RelupInstruction {}

  /** Resumes the processes suspended for {@code modules}. */
  @API(status = EXPERIMENTAL, since = "0.1")
  record Resume(List<String> modules) implements RelupInstruction {
    public Resume {
      modules = List.copyOf(modules);
    }
  }

  @API(status = EXPERIMENTAL, since = "0.1")
  record StopApplication(String application) implements RelupInstruction {}

  @API(status = EXPERIMENTAL, since = "0.1")
  record StartApplication(String application) implements RelupInstruction {}

  /** See {@link AppupInstruction.UpdateSupervisor}. */
  @API(status = EXPERIMENTAL, since = "0.1")
  record UpdateSupervisor(String supervisor, List<String> start, List<String> stop)
      implements RelupInstruction {
    public UpdateSupervisor {
      start = List.copyOf(start);
      stop = List.copyOf(stop);
    }
  }

  /** Gives the application the target release's config and calls its {@code configChange}. */
  @API(status = EXPERIMENTAL, since = "0.1")
  record ConfigChange(String application) implements RelupInstruction {}
}
