package dev.molt.behaviour;

/** Whether a child is a worker or a supervisor of its own. */
public enum ChildType {
  WORKER,
  SUPERVISOR
}
