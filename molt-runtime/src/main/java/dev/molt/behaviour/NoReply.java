package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Go on with {@code state} without replying now; then do {@code next} (null: wait for the next
 * message). From {@code handleCall} this defers the reply: keep the {@link From} and answer later
 * with {@link GenServer#reply(From, Object)}.
 */
@API(status = STABLE, since = "0.1")
public record NoReply<S>(S state, Next next) implements CallResult<S>, CastResult<S> {
  public NoReply(S state) {
    this(state, null);
  }
}
