package dev.molt.code;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.DetachedException;
import dev.molt.ExitReason;
import dev.molt.Pid;
import java.time.Instant;
import org.apiguardian.api.API;

/** A process whose code change failed: it stayed on {@code fromVersion} with its old state. */
@API(status = EXPERIMENTAL, since = "0.1")
public record CodeChangeFailure(
    Pid pid, String module, int fromVersion, int toVersion, ExitReason reason, Instant at) {
  /** This failure with its exception {@linkplain DetachedException detached}, fit to be kept. */
  CodeChangeFailure detached() {
    return reason.cause() == null
        ? this
        : new CodeChangeFailure(
            pid,
            module,
            fromVersion,
            toVersion,
            ExitReason.crash(DetachedException.of(reason.cause())),
            at);
  }
}
