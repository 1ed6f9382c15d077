package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Reply {@code reply} to the caller and go on with {@code state}; then do {@code next} (null: wait
 * for the next message).
 */
@API(status = STABLE, since = "0.1")
public record Reply<S>(Object reply, S state, Next next) implements CallResult<S> {
  public Reply(Object reply, S state) {
    this(reply, state, null);
  }
}
