package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.INTERNAL;
import static org.apiguardian.api.API.Status.STABLE;

import dev.molt.ExitReason;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A {@link GenServer#call} that got no reply, and why: it timed out, the server does not exist, or
 * the server ended (with its reason, and for a crash the server's exception as the cause).
 */
@API(status = STABLE, since = "0.1")
public final class CallException extends RuntimeException {
  /** Why a call failed. */
  @API(status = STABLE, since = "0.1")
  public enum Kind {
    /** No reply within the timeout. The server may still handle the request later. */
    TIMEOUT,
    /** No process by that pid or name. */
    NOPROC,
    /** The server ended before replying; see {@link #exitReason()}. */
    EXITED,
    /** A process called itself, which could never be answered. */
    CALLING_SELF,
    /** The calling thread was interrupted. */
    INTERRUPTED,
    /**
     * The request, or the reply, was built from another version of the server's module and could
     * not be migrated to the version on the other side (see {@link #getCause()}).
     */
    NOT_MIGRATED
  }

  private final Kind kind;
  private final transient Object server;
  private final transient ExitReason exitReason;

  @API(status = INTERNAL, since = "0.1")
  public CallException(
      Kind kind, Object server, Object request, ExitReason exitReason, String detail) {
    this(kind, server, request, exitReason, detail, exitReason == null ? null : exitReason.cause());
  }

  private CallException(
      Kind kind,
      Object server,
      Object request,
      ExitReason exitReason,
      String detail,
      Throwable cause) {
    super("call to " + server + " failed: " + detail + " (request: " + request + ")", cause);
    this.kind = Objects.requireNonNull(kind);
    this.server = server;
    this.exitReason = exitReason;
  }

  @API(status = INTERNAL, since = "0.1")
  public static CallException timeout(Object server, Object request, long timeoutNanos) {
    return new CallException(
        Kind.TIMEOUT,
        server,
        request,
        null,
        "no reply within " + (timeoutNanos / 1_000_000) + " ms");
  }

  @API(status = INTERNAL, since = "0.1")
  public static CallException noproc(Object server, Object request) {
    return new CallException(Kind.NOPROC, server, request, ExitReason.noproc(), "no such process");
  }

  @API(status = INTERNAL, since = "0.1")
  public static CallException notMigrated(Object server, Object request, RuntimeException why) {
    return new CallException(
        Kind.NOT_MIGRATED, server, request, null, "not migrated: " + why.getMessage(), why);
  }

  @API(status = INTERNAL, since = "0.1")
  public static CallException exited(Object server, Object request, ExitReason reason) {
    return new CallException(
        Kind.EXITED, server, request, reason, "the server exited with " + reason);
  }

  public Kind kind() {
    return kind;
  }

  /** The pid or name that was called. */
  public Object server() {
    return server;
  }

  /** For {@link Kind#EXITED} and {@link Kind#NOPROC}: the server's exit reason; otherwise null. */
  public ExitReason exitReason() {
    return exitReason;
  }
}
