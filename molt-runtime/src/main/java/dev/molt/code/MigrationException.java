package dev.molt.code;

import static org.apiguardian.api.API.Status.INTERNAL;
import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A value that cannot be migrated to the new version of its module, with the path to it, such as
 * {@code state.sessions[3].handler: lambda of kv v1 cannot be migrated; handle it in codeChange}.
 */
@API(status = STABLE, since = "0.1")
public final class MigrationException extends RuntimeException {
  private final String path;

  @API(status = INTERNAL, since = "0.1")
  public MigrationException(String path, String problem) {
    super(path + ": " + problem);
    this.path = path;
  }

  /** Where in the value the problem is, such as {@code state.sessions[3]}. */
  public String path() {
    return path;
  }
}
