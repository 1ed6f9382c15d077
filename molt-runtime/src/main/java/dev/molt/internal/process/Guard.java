package dev.molt.internal.process;

import dev.molt.ExitReason;
import dev.molt.ProcessExit;

/**
 * The one place that decides what a throwable from user code means. An ordinary exception or error
 * becomes {@code crash(t)} with its stack; a {@link ProcessExit} keeps its reason; a fatal VM error
 * (a {@link VirtualMachineError} such as out of memory; a stack overflow excepted, which only
 * crashes the process) is not converted and goes through.
 */
public final class Guard {
  private Guard() {}

  /** The exit reason for {@code t}; rethrows {@code t} if it is a fatal VM error. */
  public static ExitReason crashReason(Throwable t) {
    if (isFatal(t)) {
      throw (VirtualMachineError) t;
    }
    if (t instanceof ProcessExit exit) {
      return exit.reason();
    }
    return ExitReason.crash(t);
  }

  public static boolean isFatal(Throwable t) {
    return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
  }

  /** {@code t} as something to throw out of a process: a {@link ProcessExit}, or a fatal error. */
  public static ProcessExit exitFor(Throwable t) {
    return t instanceof ProcessExit exit ? exit : new ProcessExit(crashReason(t));
  }
}
