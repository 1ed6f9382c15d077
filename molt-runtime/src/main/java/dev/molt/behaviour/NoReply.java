package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Go on with {@code state} without replying now. From {@code handleCall} this defers the reply:
 * keep the {@link From} and answer later with {@link GenServer#reply(From, Object)}. {@link
 * #then(Next)} adds what to do before the next message.
 */
@API(status = STABLE, since = "0.1")
public record NoReply<S>(S state) implements CallResult<S>, CastResult<S> {
  /** Going on with the state, then {@code next} before the next message ({@link Next}). */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public Then<S> then(Next next) {
    return new Then<>(state, java.util.Objects.requireNonNull(next, "next"));
  }

  /** A {@link NoReply} followed by a {@link Next}. */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public record Then<S>(S state, Next next) implements CallResult<S>, CastResult<S> {}
}
