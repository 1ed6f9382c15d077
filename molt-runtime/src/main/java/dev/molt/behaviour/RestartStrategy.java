package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** What a {@link Supervisor} restarts when one child ends and must be restarted. */
@API(status = STABLE, since = "0.1")
public enum RestartStrategy {
  /** Only that child. */
  ONE_FOR_ONE,
  /** All children: the others are stopped (last started first), then all are started in order. */
  ONE_FOR_ALL,
  /** That child and the ones started after it. */
  REST_FOR_ONE,
  /** Like {@code ONE_FOR_ONE}, for dynamic children all started from one template spec. */
  SIMPLE_ONE_FOR_ONE
}
