package dev.molt.bench;

import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import java.util.HashMap;
import java.util.Map;

/** The KV server of the call benchmarks: a map of 100,000 keys, answering gets. */
final class KvServer implements GenServer<Map<String, Object>> {
  static final int KEYS = 100_000;
  static final String[] KEY_NAMES = new String[KEYS];

  static {
    for (int i = 0; i < KEYS; i++) {
      KEY_NAMES[i] = Integer.toString(i);
    }
  }

  @Override
  public Init<Map<String, Object>> init(Object arg) {
    Map<String, Object> state = new HashMap<>(KEYS * 2);
    for (int i = 0; i < KEYS; i++) {
      state.put(KEY_NAMES[i], i);
    }
    return Init.ok(state);
  }

  @Override
  public CallResult<Map<String, Object>> handleCall(
      Object key, From from, Map<String, Object> state) {
    return new Reply<>(state.get(key), state);
  }

  @Override
  public CastResult<Map<String, Object>> handleCast(Object request, Map<String, Object> state) {
    return new NoReply<>(state);
  }
}
