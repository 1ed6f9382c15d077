package dev.molt;

import java.time.Instant;

/** A process whose code change failed: it stayed on {@code fromVersion} with its old state. */
public record CodeChangeFailure(Pid pid, String module, int fromVersion, int toVersion, ExitReason reason, Instant at) {}
