package dev.molt.behaviour;

import dev.molt.Pid;

/** A started application: its name, version, how it was started, and its top supervisor. */
public record RunningApplication(String name, String version, Restart type, Pid supervisor) {}
