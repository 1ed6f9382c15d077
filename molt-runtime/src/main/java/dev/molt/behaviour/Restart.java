package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.ExitReason;
import org.apiguardian.api.API;

/** When a supervisor restarts a child that ended. */
@API(status = STABLE, since = "0.1")
public enum Restart {
  /** Always. */
  PERMANENT,
  /** Only when it ended abnormally: not for {@code normal} or {@code shutdown}. */
  TRANSIENT,
  /** Never; the child is forgotten when it ends. */
  TEMPORARY;

  boolean restarts(ExitReason reason) {
    return switch (this) {
      case PERMANENT -> true;
      case TRANSIENT -> !reason.isNormalOrShutdown();
      case TEMPORARY -> false;
    };
  }
}
