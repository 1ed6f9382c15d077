package dev.molt.examples.kv;

import dev.molt.Pid;
import dev.molt.behaviour.ApplicationCallback;
import dev.molt.behaviour.ApplicationSpec;
import dev.molt.behaviour.ChildSpec;
import dev.molt.behaviour.Restart;
import dev.molt.behaviour.RestartStrategy;
import dev.molt.behaviour.Supervisor;
import dev.molt.behaviour.SupervisorSpec;
import java.time.Duration;
import java.util.Map;

/**
 * The kv application: a supervisor, {@code kv_sup}, running the {@link KV} server. Both releases
 * (1.0.0 and 1.1.0) use this class; in a release the version comes from the release descriptor.
 */
public final class KvApplication implements ApplicationCallback {
  /**
   * The version of {@link #spec()}, the application loaded by hand (the in-process demo and tests).
   */
  public static final String VERSION = "1.0.0";

  public static ApplicationSpec spec() {
    return ApplicationSpec.of("kv", VERSION, new KvApplication()).withModules("kv");
  }

  @Override
  public Pid start(Restart type, Map<String, Object> env) {
    return Supervisor.startLink(
        "kv_sup",
        SupervisorSpec.of(
                RestartStrategy.ONE_FOR_ONE,
                ChildSpec.worker("kv", args -> KV.startLink()).withModules("kv"))
            .withIntensity(3, Duration.ofSeconds(5)));
  }
}
