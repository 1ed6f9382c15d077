package dev.molt.code;

/**
 * A value that cannot be migrated to the new version of its module, with the path to it, such as
 * {@code state.sessions[3].handler: lambda of kv v1 cannot be migrated; handle it in codeChange}.
 */
public final class MigrationException extends RuntimeException {
  private final String path;

  public MigrationException(String path, String problem) {
    super(path + ": " + problem);
    this.path = path;
  }

  /** Where in the value the problem is, such as {@code state.sessions[3]}. */
  public String path() {
    return path;
  }
}
