package dev.molt.sys;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import dev.molt.code.CodeChangeFailure;
import org.apiguardian.api.API;

/**
 * What {@link Sys#getStatus} reports about a server.
 *
 * @param pid the process
 * @param name its registered name, or null
 * @param callbacks the class of its callbacks
 * @param module the module it runs, or null if its code is not a module's
 * @param version the version of that module it runs, or 0
 * @param status running or suspended
 * @param state its state
 * @param mailbox messages waiting
 * @param lastCodeChangeFailure the last code change that failed for it, or null
 */
@API(status = STABLE, since = "0.1")
public record ProcessStatus(
    Pid pid,
    String name,
    String callbacks,
    String module,
    int version,
    Status status,
    Object state,
    int mailbox,
    CodeChangeFailure lastCodeChangeFailure) {
  /** Whether the process handles ordinary messages. */
  @API(status = STABLE, since = "0.1")
  public enum Status {
    RUNNING,
    SUSPENDED
  }
}
