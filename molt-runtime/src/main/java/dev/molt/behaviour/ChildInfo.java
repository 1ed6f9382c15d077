package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A child as {@link Supervisor#whichChildren} reports it; {@code pid} is null when it is not
 * running.
 */
@API(status = STABLE, since = "0.1")
public record ChildInfo(String id, Pid pid, ChildType type, List<String> modules) {}
