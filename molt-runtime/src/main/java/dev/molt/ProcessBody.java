package dev.molt;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** The code a process runs. Returning ends the process with {@code normal}; throwing crashes it. */
@FunctionalInterface
@API(status = STABLE, since = "0.1")
public interface ProcessBody {
  void run() throws Exception;
}
