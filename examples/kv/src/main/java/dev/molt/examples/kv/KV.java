package dev.molt.examples.kv;

import dev.molt.CallResult;
import dev.molt.CastResult;
import dev.molt.From;
import dev.molt.GenServer;
import dev.molt.Init;
import dev.molt.NoReply;
import dev.molt.Pid;
import dev.molt.Reply;
import java.util.HashMap;
import java.util.Map;

/**
 * The talk's key-value server (version 1: no logging).
 *
 * <pre>
 * def get(pid \\ __MODULE__, key, default \\ nil)
 * def put(pid \\ __MODULE__, key, value)
 * def handle_call({:get, key, default}, _caller, state), do: {:reply, Map.get(state, key, default), state}
 * def handle_call({:put, key, value}, _caller, state),   do: {:reply, :ok, Map.put(state, key, value)}
 * </pre>
 *
 * <p>The state is the map, passed in and returned; this object keeps nothing.
 */
public final class KV implements GenServer<Map<String, Object>> {
  /** The name the server registers under, as {@code __MODULE__} in the talk. */
  public static final String NAME = "kv";

  /** {@code {:get, key, default}} */
  public record Get(String key, Object defaultValue) {}

  /** {@code {:put, key, value}} */
  public record Put(String key, Object value) {}

  public static Pid startLink() {
    return GenServer.startLink(NAME, new KV(), null);
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
  public Init<Map<String, Object>> init(Object arg) {
    return Init.ok(new HashMap<>());
  }

  @Override
  public CallResult<Map<String, Object>> handleCall(Object request, From from, Map<String, Object> state) {
    return switch (request) {
      case Get(String key, Object defaultValue) -> new Reply<>(state.getOrDefault(key, defaultValue), state);
      case Put(String key, Object value) -> {
        state.put(key, value);
        yield new Reply<>("ok", state);
      }
      default -> new Reply<>(new IllegalArgumentException("KV does not understand " + request), state);
    };
  }

  @Override
  public CastResult<Map<String, Object>> handleCast(Object request, Map<String, Object> state) {
    return new NoReply<>(state);
  }
}
