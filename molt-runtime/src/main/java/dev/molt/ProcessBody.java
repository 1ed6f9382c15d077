package dev.molt;

/** The code a process runs. Returning ends the process with {@code normal}; throwing crashes it. */
@FunctionalInterface
public interface ProcessBody {
  void run() throws Exception;
}
