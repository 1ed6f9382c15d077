package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a server does after a callback, before its next message: OTP's {@code {continue, Arg}},
 * timeout and {@code hibernate} in a callback's result: {@link Init#ok(Object, Next)}, {@link
 * Reply#then(Next)} and {@link NoReply#then(Next)}. Without one, a server waits for its next
 * message as usual.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public sealed interface Next {
  /**
   * Run {@link GenServer#handleContinue} with {@code arg} before any message, as OTP's {@code
   * handle_continue}: work that must follow {@code init} or a callback, with nothing in between.
   */
  @API(status = EXPERIMENTAL, since = "0.2")
  record Continue(Object arg) implements Next {}

  /**
   * If no message comes within {@code after}, {@code handleInfo} gets an {@link IdleTimeout}. Any
   * message cancels it; a system request (a code change, a status) does not, and the wait starts
   * again after it. While suspended there is no timeout.
   */
  @API(status = EXPERIMENTAL, since = "0.2")
  record Timeout(Duration after) implements Next {
    public Timeout {
      Objects.requireNonNull(after, "after");
      if (after.isNegative()) {
        throw new IllegalArgumentException("a timeout must be 0 or more, got " + after);
      }
    }
  }

  /**
   * Wait for the next message without spinning and with as little memory as the server can hold:
   * for a server that expects to be idle a long time. A virtual thread parked between messages
   * already holds no carrier; hibernating also drops the server's spin budget to zero, so the next
   * messages find it parked, and gives back the space of messages it passed over.
   */
  @API(status = EXPERIMENTAL, since = "0.2")
  record Hibernate() implements Next {}

  static Next continueWith(Object arg) {
    return new Continue(arg);
  }

  static Next timeout(Duration after) {
    return new Timeout(after);
  }

  static Next hibernate() {
    return new Hibernate();
  }
}
