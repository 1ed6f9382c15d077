package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import org.apiguardian.api.API;

/** A started application: its name, version, how it was started, and its top supervisor. */
@API(status = STABLE, since = "0.1")
public record RunningApplication(String name, String version, Restart type, Pid supervisor) {}
