package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Reply {@code reply} to the caller and go on with {@code state}. {@link #then(Next)} adds what to
 * do before the next message.
 */
@API(status = STABLE, since = "0.1")
public record Reply<S>(Object reply, S state) implements CallResult<S> {
  /**
   * This reply, then {@code next} before the next message ({@link Next}). A result of its own
   * rather than a component of this record: a {@code Reply} built and taken apart on every call
   * stays as cheap as it was (a third component cost 12 % of the call figure, docs/benchmarks.md).
   */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public Then<S> then(Next next) {
    return new Then<>(this, java.util.Objects.requireNonNull(next, "next"));
  }

  /** A {@link Reply} followed by a {@link Next}. */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public record Then<S>(Reply<S> reply, Next next) implements CallResult<S> {}
}
