package dev.molt.behaviour;

import dev.molt.Pid;

import java.util.List;

/**
 * Starts a child and returns its pid, linked to the calling process (the supervisor); returns
 * null to say "ignore" (the child is kept in the spec but not running). A start that throws fails
 * the child's start.
 *
 * <p>{@code extraArgs} is empty for ordinary children; for {@link RestartStrategy#SIMPLE_ONE_FOR_ONE}
 * it holds what {@link Supervisor#startChild(Pid, List)} was given.
 */
@FunctionalInterface
public interface ChildStart {
  Pid start(List<Object> extraArgs) throws Exception;
}
