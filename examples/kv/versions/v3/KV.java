package dev.molt.examples.kv;

import dev.molt.Pid;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import dev.molt.code.CodeServer;
import dev.molt.code.Default;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The talk's key-value server, version 3: version 2 with a request counter in its state. The
 * counter is new in this version; state migrated from older versions starts it at its
 * {@code @Default}.
 *
 * <pre>
 * def get(pid \\ __MODULE__, key, default \\ nil)
 * def put(pid \\ __MODULE__, key, value)
 * def handle_call({:get, key, default}, _caller, state), do: {:reply, Map.get(state, key, default), state}
 * def handle_call({:put, key, value}, _caller, state),   do: {:reply, :ok, Map.put(state, key, value)}
 * </pre>
 *
 * <p>The state is a {@link State} value, passed in and returned; this object keeps nothing.
 */
public final class KV implements GenServer<KV.State> {
  /** The name the server registers under, as {@code __MODULE__} in the talk. */
  public static final String NAME = "kv";

  private static final Logger LOG = LoggerFactory.getLogger("kv");

  /** The server's state: the talk's map. */
  public record State(Map<String, Object> data, @Default("0") long requests) {
    State counted() {
      return new State(data, requests + 1);
    }
  }

  /** {@code {:get, key, default}} */
  public record Get(String key, Object defaultValue) {}

  /** {@code {:put, key, value}} */
  public record Put(String key, Object value) {}

  /**
   * Starts the server on the current version of the kv module if one is loaded, else on this class.
   */
  @SuppressWarnings("unchecked")
  public static Pid startLink() {
    return GenServer.startLink(NAME, CodeServer.newInstance(KV.class, GenServer.class), null);
  }

  public static Object get(String key) {
    return get(key, null);
  }

  public static Object get(String key, Object defaultValue) {
    return GenServer.call(NAME, new Get(key, defaultValue));
  }

  public static Object put(String key, Object value) {
    return GenServer.call(NAME, new Put(key, value));
  }

  @Override
  public Init<State> init(Object arg) {
    return Init.ok(new State(new HashMap<>(), 0));
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State before) {
    State state = before.counted();
    return switch (request) {
      case Get(String key, Object defaultValue) -> {
        LOG.info(
            "{}: Handling get request for {} (request {})",
            KV.class.getName(),
            key,
            state.requests());
        yield new Reply<>(state.data().getOrDefault(key, defaultValue), state);
      }
      case Put(String key, Object value) -> {
        LOG.info("{}: Handling put request for {}:{}", KV.class.getName(), key, value);
        state.data().put(key, value);
        yield new Reply<>("ok", state);
      }
      default ->
          new Reply<>(new IllegalArgumentException("KV does not understand " + request), state);
    };
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    return new NoReply<>(state);
  }
}
