package dev.molt.internal.upgrade;

import dev.molt.Pid;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A system request sent to many processes at once ({@link Upgrade#suspendAll}) that some of them
 * did not carry out: each such process with why. The message names the first few.
 */
public final class SysBatchException extends RuntimeException {
  private final transient Map<Pid, RuntimeException> failures;

  SysBatchException(String what, int of, Map<Pid, RuntimeException> failures) {
    super(
        what
            + " failed for "
            + failures.size()
            + " of "
            + of
            + " processes: "
            + failures.entrySet().stream()
                .limit(5)
                .map(e -> e.getKey() + " (" + e.getValue().getMessage() + ")")
                .collect(Collectors.joining("; "))
            + (failures.size() > 5 ? "; ..." : ""));
    this.failures = Map.copyOf(failures);
  }

  /** Each process that failed, with the error its own request would have thrown. */
  public Map<Pid, RuntimeException> failures() {
    return failures;
  }
}
