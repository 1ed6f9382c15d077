package dev.molt.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.release.InstallResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apiguardian.api.API;

/**
 * What an {@link UpgradeTest} drives: release {@link #from()} booted in this JVM, with {@link
 * #to()} unpacked next to it.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Upgrade {
  private final InProcessNode node;
  private final String from;
  private final String to;

  Upgrade(InProcessNode node, String from, String to) {
    this.node = node;
    this.from = from;
    this.to = to;
  }

  /** Boots {@code from} on {@code root} and unpacks {@code to} there. */
  static Upgrade boot(Path from, Path to, Path root) {
    InProcessNode node = InProcessNode.boot(from, root);
    String fromVersion = node.current();
    try {
      return new Upgrade(node, fromVersion, node.unpack(to));
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  public String from() {
    return from;
  }

  public String to() {
    return to;
  }

  /** The node, for what this class does not wrap. */
  public InProcessNode node() {
    return node;
  }

  /**
   * Installs {@link #to()} live and makes it permanent. A failure is an {@link AssertionError}
   * naming the path, the relup step and the processes whose code change failed.
   */
  public InstallResult upgrade() {
    return node.upgrade(to);
  }

  /**
   * Goes back to {@link #from()} live, through {@link #to()}'s down script; fails as {@link
   * #upgrade()}.
   */
  public InstallResult downgrade() {
    return node.downgrade(from);
  }

  /** {@link InProcessNode#invoke}: a static method of the current version of a module class. */
  public Object invoke(String className, String method, Object... args) {
    return node.invoke(className, method, args);
  }

  /** {@link Load#start(Callable, Object)}: one client calling without pause. */
  public Load load(Callable<?> call, Object expected) {
    return Load.start(call, expected);
  }

  /** {@link Load#start(int, Callable, Predicate)}. */
  public Load load(int clients, Callable<?> call, Predicate<Object> expected) {
    return Load.start(clients, call, expected);
  }
}
