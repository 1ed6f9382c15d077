package dev.molt.console;

import java.time.Duration;

/**
 * The control channel's limits. A connection is unauthenticated until its first request passes the
 * check (the owner's user on the Unix socket, the cookie over TCP); it must get there within {@code
 * authTimeout}, and until then it holds one of the few unauthenticated places, at most {@code
 * unauthenticatedPerPeer} of them per peer address. Authenticated connections hold a place of their
 * own transport's pool: the owner's Unix socket connections never compete with TCP.
 *
 * <p>Read from system properties ({@code MOLT_JVM_OPTIONS} for a node started by {@code
 * bin/<name>}): {@code molt.control.unix}, {@code molt.control.tcp}, {@code
 * molt.control.unauthenticated}, {@code molt.control.unauthenticatedPerPeer}, {@code
 * molt.control.authTimeoutMs}.
 *
 * @param unix authenticated connections on the Unix socket
 * @param tcp authenticated connections over TCP
 * @param unauthenticated connections not yet authenticated, over TCP
 * @param unauthenticatedPerPeer of those, from one peer address
 * @param authTimeout how long a connection may take to send its first request
 */
record ControlLimits(
    int unix, int tcp, int unauthenticated, int unauthenticatedPerPeer, Duration authTimeout) {
  static final ControlLimits DEFAULTS = new ControlLimits(16, 32, 16, 8, Duration.ofSeconds(2));

  ControlLimits {
    positive("molt.control.unix", unix);
    positive("molt.control.tcp", tcp);
    positive("molt.control.unauthenticated", unauthenticated);
    positive("molt.control.unauthenticatedPerPeer", unauthenticatedPerPeer);
    if (authTimeout.isNegative() || authTimeout.isZero()) {
      throw new IllegalArgumentException(
          "molt.control.authTimeoutMs must be more than 0, not " + authTimeout.toMillis());
    }
  }

  /** The limits the system properties set, the defaults for the others. */
  static ControlLimits fromSystemProperties() {
    return new ControlLimits(
        property("molt.control.unix", DEFAULTS.unix),
        property("molt.control.tcp", DEFAULTS.tcp),
        property("molt.control.unauthenticated", DEFAULTS.unauthenticated),
        property("molt.control.unauthenticatedPerPeer", DEFAULTS.unauthenticatedPerPeer),
        Duration.ofMillis(
            property("molt.control.authTimeoutMs", (int) DEFAULTS.authTimeout.toMillis())));
  }

  private static int property(String name, int otherwise) {
    String value = System.getProperty(name);
    if (value == null) {
      return otherwise;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'");
    }
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be 1 or more, not " + value);
    }
  }
}
