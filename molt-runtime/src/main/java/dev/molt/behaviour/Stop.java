package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.ExitReason;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Stop the server with {@code reason}, after replying {@code reply} to the caller if this answers a
 * call and {@code replies} is set. {@code terminate} is called with the reason.
 */
@API(status = STABLE, since = "0.1")
public record Stop<S>(ExitReason reason, boolean replies, Object reply, S state)
    implements CallResult<S>, CastResult<S> {
  public Stop {
    Objects.requireNonNull(reason, "reason");
  }

  /** Stop without a reply. */
  public Stop(ExitReason reason, S state) {
    this(reason, false, null, state);
  }

  /** Reply to the caller, then stop. */
  public static <S> Stop<S> withReply(ExitReason reason, Object reply, S state) {
    return new Stop<>(reason, true, reply, state);
  }
}
