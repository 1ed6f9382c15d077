package dev.molt.code;

import static org.apiguardian.api.API.Status.INTERNAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/** A code server operation that was refused or failed; nothing was changed. */
@API(status = STABLE, since = "0.1")
public final class CodeException extends RuntimeException {
  /** What went wrong. */
  @API(status = STABLE, since = "0.1")
  public enum Kind {
    /** The module still has old code; purge it first. */
    NOT_PURGED,
    /** The class belongs to the runtime or the stable layer, which cannot be reloaded. */
    STICKY,
    /** No such module, or no such file. */
    NOT_FOUND,
    /** A class file that cannot be read or defined. */
    BAD_CLASS,
    /** A class refers to a class that nothing visible to the module defines. */
    MISSING_DEPENDENCY,
    /** Two modules define the same class. */
    CONFLICT,
    /** The module's sources do not compile. */
    COMPILE_ERROR,
    /** Processes still run the old code (soft purge). */
    IN_USE
  }

  private final Kind kind;

  @API(status = INTERNAL, since = "0.1")
  public CodeException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind);
  }

  @API(status = INTERNAL, since = "0.1")
  public CodeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind);
  }

  public Kind kind() {
    return kind;
  }
}
