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
import dev.molt.code.Migration;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KV server of release 1.1.0: the talk's logging patch, and a new state — the keys kept sorted,
 * and a count of the requests served. Its {@code codeChange} builds the new state from 1.0.0's (a
 * sorted copy of the map, the count from zero); going back to 1.0.0, 1.0.0's default mapping keeps
 * the map and drops the count.
 */
public final class KV implements GenServer<KV.State> {
  public static final String NAME = "kv";
  private static final Logger LOG = LoggerFactory.getLogger("kv");

  /** The server's state: the map, sorted now, and how many requests it has served. */
  public record State(NavigableMap<String, Object> data, long requests) {}

  /** {@code {:get, key, default}} */
  public record Get(String key, Object defaultValue) {}

  /** {@code {:put, key, value}} */
  public record Put(String key, Object value) {}

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
    return Init.ok(new State(new TreeMap<>(), 0));
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    State next = new State(state.data(), state.requests() + 1);
    return switch (request) {
      case Get(String key, Object defaultValue) -> {
        LOG.info("{}: Handling get request for {}", KV.class.getName(), key);
        yield new Reply<>(next.data().getOrDefault(key, defaultValue), next);
      }
      case Put(String key, Object value) -> {
        LOG.info("{}: Handling put request for {}:{}", KV.class.getName(), key, value);
        next.data().put(key, value);
        yield new Reply<>("ok", next);
      }
      default ->
          new Reply<>(new IllegalArgumentException("KV does not understand " + request), state);
    };
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    return new NoReply<>(state);
  }

  /** From 1.0.0's {@code State(Map data)}: a sorted copy of the map, requests counted from zero. */
  @Override
  @SuppressWarnings("unchecked")
  public State codeChange(Object oldVsn, Object oldState, Object extra) {
    Map<String, Object> data = (Map<String, Object>) Migration.component(oldState, "data");
    LOG.info("kv: code change from v{} ({}): {} keys, now sorted", oldVsn, extra, data.size());
    return new State(new TreeMap<>(data), 0);
  }
}
