package dev.molt;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a test's code inside a Molt process and hands back its result or its exception. */
public final class InProcess {
  private InProcess() {}

  public static <T> T call(Callable<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Process.spawn(
        () -> {
          try {
            result.complete(body.call());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    try {
      return result.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw (Error) e.getCause();
    }
  }

  public static void run(ProcessBody body) throws Exception {
    call(
        () -> {
          body.run();
          return null;
        });
  }
}
