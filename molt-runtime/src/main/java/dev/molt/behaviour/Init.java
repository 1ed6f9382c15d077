package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.ExitReason;
import java.util.Objects;
import org.apiguardian.api.API;

/** What {@link GenServer#init} returns: start with a state, ignore, or fail. */
@API(status = STABLE, since = "0.1")
public sealed interface Init<S> {
  /** Start, with {@code state}. */
  @API(status = STABLE, since = "0.1")
  record Ok<S>(S state, Next next) implements Init<S> {
    public Ok(S state) {
      this(state, null);
    }
  }

  /** Do not start; the starter gets no pid and nothing is reported as an error. */
  @API(status = STABLE, since = "0.1")
  record Ignore<S>() implements Init<S> {}

  /** Fail to start with {@code reason}. */
  @API(status = STABLE, since = "0.1")
  record Fail<S>(ExitReason reason) implements Init<S> {
    public Fail {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static <S> Init<S> ok(S state) {
    return new Ok<>(state);
  }

  /** Start with {@code state}, then do {@code next} before the first message. */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  static <S> Init<S> ok(S state, Next next) {
    return new Ok<>(state, next);
  }

  static <S> Init<S> ignore() {
    return new Ignore<>();
  }

  static <S> Init<S> fail(ExitReason reason) {
    return new Fail<>(reason);
  }
}
