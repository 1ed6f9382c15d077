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
import java.util.HashMap;
import java.util.Map;

/**
 * The talk's key-value server, version 1 (no logging). Versions 2 (the talk's logging patch) and 3
 * (a request counter in the state) are in {@code examples/kv/versions/}.
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

  /** The server's state: the talk's map. */
  public record State(Map<String, Object> data) {}

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
    return Init.ok(new State(new HashMap<>()));
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    return switch (request) {
      case Get(String key, Object defaultValue) ->
          new Reply<>(state.data().getOrDefault(key, defaultValue), state);
      case Put(String key, Object value) -> {
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
