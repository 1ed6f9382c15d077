package dev.molt;

import org.apiguardian.api.API;

import static org.apiguardian.api.API.Status.STABLE;

/** The code a process runs. Returning ends the process with {@code normal}; throwing crashes it. */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface ProcessBody {
  void run() throws Exception;
}
