package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The message a monitoring process receives when the monitored process ends (OTP's {@code {'DOWN',
 * Ref, process, Pid, Reason}}). A monitor set on a process that is already dead delivers this at
 * once with reason {@code noproc}.
 *
 * <p>For a monitor by registered name ({@link Process#monitor(String)}), {@code name} is that name
 * (OTP puts {@code {Name, Node}} where the pid goes) and {@code pid} the process that held it, or
 * null if none did; for a monitor of a pid, {@code name} is null.
 */
@API(status = STABLE, since = "0.1")
public record Down(Ref ref, Pid pid, ExitReason reason, String name) {
  public Down(Ref ref, Pid pid, ExitReason reason) {
    this(ref, pid, reason, null);
  }
}
