package dev.molt.internal.server;

import java.util.function.UnaryOperator;

/**
 * The system messages of {@link dev.molt.sys.Sys}, handled by the generic loop, never by the
 * callbacks.
 */
public sealed interface SysRequest {
  record Suspend() implements SysRequest {}

  record Resume() implements SysRequest {}

  record ChangeCode(String module, Object oldVsn, Object extra) implements SysRequest {}

  /**
   * Suspend, then ChangeCode, in one message: one round trip instead of two for a release install.
   * With a {@code batch}, the server is suspended as one of it, and resumed when it is lifted.
   */
  record SuspendAndChange(String module, Object oldVsn, Object extra, Suspension batch)
      implements SysRequest {}

  /** Back to the version and state from before the code changes made while suspended. */
  record RevertCodeChange() implements SysRequest {}

  record GetState() implements SysRequest {}

  record ReplaceState(UnaryOperator<Object> replace) implements SysRequest {}

  record GetStatus() implements SysRequest {}

  record GetStatistics() implements SysRequest {}

  record Trace(boolean on) implements SysRequest {}

  record Log(int keep) implements SysRequest {}

  record GetLog() implements SysRequest {}

  /** A refused system request: the facade throws {@code error}. */
  record Refused(RuntimeException error) {}
}
