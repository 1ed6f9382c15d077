package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.code.CodeServer;
import dev.molt.sys.Sys;
import org.apiguardian.api.API;

/**
 * A copy of an exception that keeps its type's name, message, stack trace and causes as text, but
 * no reference to the classes that threw it. A failure record kept after a code change (in {@link
 * CodeServer#failures()} or {@link Sys#getStatus}) holds this instead of the original, which would
 * keep the class loader of the failed version reachable after it is purged.
 */
@API(status = STABLE, since = "0.1")
public final class DetachedException extends RuntimeException {
  private final String originalType;

  private DetachedException(Throwable original, int depth) {
    super(
        original.getClass().getName()
            + (original.getMessage() == null ? "" : ": " + original.getMessage()),
        original.getCause() == null || original.getCause() == original || depth >= 16
            ? null
            : copy(original.getCause(), depth + 1),
        false,
        true);
    this.originalType = original.getClass().getName();
    setStackTrace(original.getStackTrace());
  }

  /** The detached copy of {@code original} (itself if it is already one; null for null). */
  public static DetachedException of(Throwable original) {
    if (original == null) {
      return null;
    }
    return copy(original, 0);
  }

  private static DetachedException copy(Throwable original, int depth) {
    return original instanceof DetachedException detached
        ? detached
        : new DetachedException(original, depth);
  }

  /** The name of the original exception's class. */
  public String originalType() {
    return originalType;
  }

  // The detached copy shows as the original did: its class name and message, not this class.
  @SuppressWarnings("OverrideThrowableToString")
  @Override
  public String toString() {
    return getMessage();
  }
}
