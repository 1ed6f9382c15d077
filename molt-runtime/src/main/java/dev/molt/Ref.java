package dev.molt;

import dev.molt.internal.process.ProcessCell;

import java.util.concurrent.atomic.AtomicLong;

/** A reference unique in this node: the identity of a monitor or a timer. */
public final class Ref {
  private static final AtomicLong NEXT = new AtomicLong();

  private final long id = NEXT.incrementAndGet();
  /** For a monitor: the process watched, so that {@link Process#demonitor(Ref)} can find it. */
  final ProcessCell target;

  Ref(ProcessCell target) {
    this.target = target;
  }

  @Override
  public String toString() {
    return "#Ref<" + id + ">";
  }
}
