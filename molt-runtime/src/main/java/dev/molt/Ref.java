package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.internal.process.ProcessCell;
import java.util.concurrent.atomic.AtomicLong;
import org.apiguardian.api.API;

/** A reference unique in this node: the identity of a monitor or a timer. */
@API(status = STABLE, since = "0.1")
public final class Ref {
  private static final AtomicLong NEXT = new AtomicLong();

  private final long id = NEXT.incrementAndGet();

  /** For a monitor: the process watched, so that {@link Process#demonitor(Ref)} can find it. */
  final ProcessCell target;

  /** For a monitor: the process that made it, the only one that may remove it. */
  final ProcessCell owner;

  Ref(ProcessCell target, ProcessCell owner) {
    this.target = target;
    this.owner = owner;
  }

  @Override
  public String toString() {
    return "#Ref<" + id + ">";
  }
}
