package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The message a monitoring process receives when the monitored process ends (OTP's {@code {'DOWN',
 * Ref, process, Pid, Reason}}). A monitor set on a process that is already dead delivers this at
 * once with reason {@code noproc}.
 */
@API(status = STABLE, since = "0.1")
public record Down(Ref ref, Pid pid, ExitReason reason) {}
