package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A child as {@link Supervisor#whichChildren} reports it; {@code pid} is null when it is not
 * running, and {@code restarting} tells a child whose restart failed and is being tried again
 * (OTP's {@code restarting}) from one that is simply not running.
 */
@API(status = STABLE, since = "0.1")
public record ChildInfo(
    String id, Pid pid, ChildType type, List<String> modules, boolean restarting) {
  /** A child that is not being restarted. */
  public ChildInfo(String id, Pid pid, ChildType type, List<String> modules) {
    this(id, pid, type, modules, false);
  }
}
