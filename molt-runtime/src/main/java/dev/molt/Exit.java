package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The message a process that traps exits receives instead of dying (OTP's {@code {'EXIT', From,
 * Reason}}): a linked process ended, or someone called {@link Process#exit(Pid, ExitReason)} on it.
 */
@API(status = STABLE, since = "0.1")
public record Exit(Pid from, ExitReason reason) {}
