package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** Whether a child is a worker or a supervisor of its own. */
@API(status = STABLE, since = "0.1")
public enum ChildType {
  WORKER,
  SUPERVISOR
}
