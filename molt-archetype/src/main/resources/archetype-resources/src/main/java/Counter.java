package ${package};

import dev.molt.Pid;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import dev.molt.code.CodeServer;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts hits by name. Its state is a record, passed in and returned: an upgrade migrates it to the
 * next version's record by component name. A component a later version adds needs a
 * {@code @Default}, or an override of {@code codeChange}; the build says so, and proves it.
 */
public final class Counter implements GenServer<Counter.State> {
  /** The name the server registers under. */
  public static final String NAME = "counter";

  /** The state: hits by name. */
  public record State(Map<String, Long> hits) {}

  /** Counts a hit for a name; replies with the count. */
  public record Hit(String name) {}

  /** Replies with the count of a name. */
  public record Count(String name) {}

  /** Starts the server on the current version of the module's code. */
  public static Pid startLink() {
    return GenServer.startLink(NAME, CodeServer.newInstance(Counter.class, GenServer.class), null);
  }

  /** Counts a hit for {@code name}; returns its count. */
  public static long hit(String name) {
    return (Long) GenServer.call(NAME, new Hit(name));
  }

  /** The count of {@code name}. */
  public static long count(String name) {
    return (Long) GenServer.call(NAME, new Count(name));
  }

  @Override
  public Init<State> init(Object arg) {
    return Init.ok(new State(new HashMap<>()));
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    return switch (request) {
      case Hit(String name) -> new Reply<>(state.hits().merge(name, 1L, Long::sum), state);
      case Count(String name) -> new Reply<>(state.hits().getOrDefault(name, 0L), state);
      default -> throw new IllegalArgumentException("unknown request " + request);
    };
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    return new NoReply<>(state);
  }
}
