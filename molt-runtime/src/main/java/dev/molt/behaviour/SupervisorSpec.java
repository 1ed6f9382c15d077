package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apiguardian.api.API;

/**
 * A supervisor's flags and children.
 *
 * <p>More than {@code intensity} restarts within {@code period} make the supervisor give up: it
 * stops its children and exits with {@code shutdown} (logging {@code
 * reached_max_restart_intensity}), passing the problem to its own supervisor. OTP's defaults are 1
 * restart in 5 seconds.
 *
 * @param ticker the clock restarts are timed with, in nanoseconds; tests may pass their own
 */
@API(status = STABLE, since = "0.1")
public record SupervisorSpec(
    RestartStrategy strategy,
    int intensity,
    Duration period,
    List<ChildSpec> children,
    LongSupplier ticker,
    AutoShutdown autoShutdown) {

  /**
   * When the end of significant children ends the supervisor, as OTP's {@code auto_shutdown}: a
   * significant child that ends on its own (not restarted, not stopped by the supervisor) makes it
   * stop its other children and exit with {@code shutdown}, under {@code ANY_SIGNIFICANT} at once,
   * under {@code ALL_SIGNIFICANT} once no significant child runs.
   */
  @API(status = org.apiguardian.api.API.Status.EXPERIMENTAL, since = "0.2")
  public enum AutoShutdown {
    NEVER,
    ANY_SIGNIFICANT,
    ALL_SIGNIFICANT
  }

  /** A supervisor that never shuts itself down for its children's ends. */
  public SupervisorSpec(
      RestartStrategy strategy,
      int intensity,
      Duration period,
      List<ChildSpec> children,
      LongSupplier ticker) {
    this(strategy, intensity, period, children, ticker, AutoShutdown.NEVER);
  }

  public SupervisorSpec {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(autoShutdown, "autoShutdown");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(ticker, "ticker");
    children = List.copyOf(Objects.requireNonNull(children, "children"));
    if (intensity < 0) {
      throw new IllegalArgumentException("restart intensity must be 0 or more, got " + intensity);
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("restart period must be positive, got " + period);
    }
    Set<String> ids = new HashSet<>();
    for (ChildSpec child : children) {
      if (!ids.add(child.id())) {
        throw new IllegalArgumentException(
            "two children have the id " + child.id() + "; child ids must be unique");
      }
    }
    if (strategy == RestartStrategy.SIMPLE_ONE_FOR_ONE
        && autoShutdown != AutoShutdown.NEVER
        && children.stream().anyMatch(ChildSpec::significant)) {
      throw new IllegalArgumentException(
          "a SIMPLE_ONE_FOR_ONE supervisor with auto shutdown "
              + autoShutdown
              + " cannot have significant children (as in OTP)");
    }
    if (strategy == RestartStrategy.SIMPLE_ONE_FOR_ONE && children.size() != 1) {
      throw new IllegalArgumentException(
          "a SIMPLE_ONE_FOR_ONE supervisor needs exactly one child spec, its template; got "
              + children.size());
    }
  }

  public static SupervisorSpec of(RestartStrategy strategy, ChildSpec... children) {
    return new SupervisorSpec(
        strategy, 1, Duration.ofSeconds(5), List.of(children), System::nanoTime);
  }

  /** At most {@code intensity} restarts within {@code period}. */
  public SupervisorSpec withIntensity(int intensity, Duration period) {
    return new SupervisorSpec(strategy, intensity, period, children, ticker, autoShutdown);
  }

  public SupervisorSpec withTicker(LongSupplier ticker) {
    return new SupervisorSpec(strategy, intensity, period, children, ticker, autoShutdown);
  }

  /** Ends the supervisor when its significant children end ({@link AutoShutdown}). */
  public SupervisorSpec withAutoShutdown(AutoShutdown autoShutdown) {
    return new SupervisorSpec(strategy, intensity, period, children, ticker, autoShutdown);
  }
}
