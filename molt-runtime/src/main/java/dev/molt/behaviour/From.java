package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.Pid;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The caller of a {@link GenServer#call}: what {@code handleCall} receives, to reply to later with
 * {@link GenServer#reply(From, Object)}. The runtime makes it; a reply to a caller that gave up
 * (its call timed out) is dropped, as with OTP's aliases.
 */
@API(status = STABLE, since = "0.1")
public interface From {
  /** The calling process; empty when the call came from a thread that is not a process. */
  Optional<Pid> caller();
}
