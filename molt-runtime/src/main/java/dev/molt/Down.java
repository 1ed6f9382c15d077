package dev.molt;

/**
 * The message a monitoring process receives when the monitored process ends (OTP's
 * {@code {'DOWN', Ref, process, Pid, Reason}}). A monitor set on a process that is already dead
 * delivers this at once with reason {@code noproc}.
 */
public record Down(Ref ref, Pid pid, ExitReason reason) {}
