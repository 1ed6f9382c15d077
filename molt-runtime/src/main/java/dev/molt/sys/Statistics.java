package dev.molt.sys;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Instant;
import org.apiguardian.api.API;

/**
 * What {@link Sys#statistics} reports about a server.
 *
 * @param startedAt when the server started
 * @param messages ordinary messages handled (calls, casts, infos)
 * @param codeChanges successful code changes
 * @param failedCodeChanges failed code changes
 */
@API(status = STABLE, since = "0.1")
public record Statistics(
    Instant startedAt, long messages, int codeChanges, int failedCodeChanges) {}
