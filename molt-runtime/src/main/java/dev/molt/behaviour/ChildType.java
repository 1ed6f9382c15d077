package dev.molt.behaviour;

import org.apiguardian.api.API;

import static org.apiguardian.api.API.Status.STABLE;

/** Whether a child is a worker or a supervisor of its own. */
@API(status = STABLE, since = "0.1")
public enum ChildType {
  WORKER,
  SUPERVISOR
}
