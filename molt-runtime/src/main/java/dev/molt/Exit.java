package dev.molt;

import dev.molt.behaviour.From;

/**
 * The message a process that traps exits receives instead of dying (OTP's
 * {@code {'EXIT', From, Reason}}): a linked process ended, or someone called
 * {@link Process#exit(Pid, ExitReason)} on it.
 */
public record Exit(Pid from, ExitReason reason) {}
