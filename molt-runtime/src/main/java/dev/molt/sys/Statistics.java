package dev.molt.sys;

import java.time.Instant;

/**
 * What {@link Sys#statistics} reports about a server.
 *
 * @param startedAt when the server started
 * @param messages ordinary messages handled (calls, casts, infos)
 * @param codeChanges successful code changes
 * @param failedCodeChanges failed code changes
 */
public record Statistics(Instant startedAt, long messages, int codeChanges, int failedCodeChanges) {}
