package ${package};

import dev.molt.Pid;
import dev.molt.behaviour.ApplicationCallback;
import dev.molt.behaviour.ChildSpec;
import dev.molt.behaviour.Restart;
import dev.molt.behaviour.RestartStrategy;
import dev.molt.behaviour.Supervisor;
import dev.molt.behaviour.SupervisorSpec;
import java.time.Duration;
import java.util.Map;

/**
 * The application: a supervisor running the {@link Counter} server. The release starts it; an
 * upgrade moves the running server to new code with its state.
 */
public final class App implements ApplicationCallback {
  /** The module the application's code is in: the release names it after the project. */
  static final String MODULE = "${artifactId}";

  @Override
  public Pid start(Restart type, Map<String, Object> env) {
    return Supervisor.startLink(
        "${artifactId}_sup",
        SupervisorSpec.of(
                RestartStrategy.ONE_FOR_ONE,
                ChildSpec.worker("counter", args -> Counter.startLink()).withModules(MODULE))
            .withIntensity(3, Duration.ofSeconds(5)));
  }
}
