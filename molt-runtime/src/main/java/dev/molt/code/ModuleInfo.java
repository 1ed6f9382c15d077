package dev.molt.code;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Instant;
import java.util.List;
import org.apiguardian.api.API;

/**
 * One loaded version of a module.
 *
 * @param name the module
 * @param version its version number in this node: 1 for the first load, then 2, 3, ...
 * @param status {@code CURRENT} or {@code OLD}
 * @param origin where its classes were read from
 * @param loadedAt when it was loaded
 * @param classes the names of its classes
 * @param relinkOf for a relinked version (same bytes, new dependencies): the version it copies;
 *     else 0
 */
@API(status = STABLE, since = "0.1")
public record ModuleInfo(
    String name,
    int version,
    Status status,
    String origin,
    Instant loadedAt,
    List<String> classes,
    int relinkOf) {
  /** Current code or old code. */
  @API(status = STABLE, since = "0.1")
  public enum Status {
    CURRENT,
    OLD
  }
}
