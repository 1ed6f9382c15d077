package dev.molt.release;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What an install did: from and to which release, how many processes were suspended and for how
 * long at most (from the suspension of the first to the resumption of the last), how long the whole
 * install took, and anything that went wrong after the point of no return.
 */
@API(status = STABLE, since = "0.1")
public record InstallResult(
    String from, String to, int suspended, Duration pause, Duration total, List<String> warnings) {
  public InstallResult {
    warnings = List.copyOf(warnings);
  }
}
