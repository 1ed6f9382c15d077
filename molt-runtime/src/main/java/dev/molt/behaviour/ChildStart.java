package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Starts a child and returns its pid, linked to the calling process (the supervisor); returns null
 * to say "ignore" (the child is kept in the spec but not running). A start that throws fails the
 * child's start.
 *
 * <p>{@code extraArgs} is empty for ordinary children; for {@link
 * RestartStrategy#SIMPLE_ONE_FOR_ONE} it holds what {@link Supervisor#startChild(Pid, List)} was
 * given.
 */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface ChildStart {
  Pid start(List<Object> extraArgs) throws Exception;
}
