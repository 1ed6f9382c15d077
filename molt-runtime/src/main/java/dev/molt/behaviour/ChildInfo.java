package dev.molt.behaviour;

import dev.molt.Pid;

import java.util.List;

/** A child as {@link Supervisor#whichChildren} reports it; {@code pid} is null when it is not running. */
public record ChildInfo(String id, Pid pid, ChildType type, List<String> modules) {}
