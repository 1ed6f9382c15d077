package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * An application's descriptor (OTP's {@code .app} file): its name and version, the modules it owns,
 * the applications it needs started first, its start callback and its default config.
 */
@API(status = STABLE, since = "0.1")
public record ApplicationSpec(
    String name,
    String version,
    List<String> modules,
    List<String> applications,
    ApplicationCallback callback,
    Map<String, Object> env) {

  public ApplicationSpec {
    Objects.requireNonNull(name, "an application needs a name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("an application name must not be blank");
    }
    Objects.requireNonNull(version, "application " + name + " needs a version");
    Objects.requireNonNull(callback, "application " + name + " needs a start callback");
    modules = List.copyOf(Objects.requireNonNull(modules, "modules"));
    applications = List.copyOf(Objects.requireNonNull(applications, "applications"));
    env = Map.copyOf(Objects.requireNonNull(env, "env"));
    if (applications.contains(name)) {
      throw new IllegalArgumentException("application " + name + " cannot depend on itself");
    }
  }

  public static ApplicationSpec of(String name, String version, ApplicationCallback callback) {
    return new ApplicationSpec(name, version, List.of(), List.of(), callback, Map.of());
  }

  public ApplicationSpec withModules(String... modules) {
    return new ApplicationSpec(name, version, List.of(modules), applications, callback, env);
  }

  /** The applications that must be started before this one. */
  public ApplicationSpec withApplications(String... applications) {
    return new ApplicationSpec(name, version, modules, List.of(applications), callback, env);
  }

  public ApplicationSpec withEnv(Map<String, Object> env) {
    return new ApplicationSpec(name, version, modules, applications, callback, env);
  }
}
