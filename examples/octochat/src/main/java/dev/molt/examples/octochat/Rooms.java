package dev.molt.examples.octochat;

import dev.molt.Down;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import dev.molt.code.CodeServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The rooms by name: starts a {@link Room} the first time someone joins it. */
public final class Rooms implements GenServer<Rooms.State> {
  public static final String NAME = "rooms";

  /** The rooms, and the monitor of each. */
  public record State(Map<String, Pid> rooms, Map<Ref, String> monitors) {}

  /** Asks for the room of that name, started if it is not. */
  public record Find(String room) {}

  /** Asks for the names of the rooms. */
  public record Names() {}

  public static Pid startLink() {
    return GenServer.startLink(NAME, CodeServer.newInstance(Rooms.class, GenServer.class), null);
  }

  /** The room named {@code name}. */
  public static Pid find(String name) {
    return (Pid) GenServer.call(NAME, new Find(name));
  }

  /** The names of the rooms, sorted. */
  @SuppressWarnings("unchecked")
  public static List<String> names() {
    return (List<String>) GenServer.call(NAME, new Names());
  }

  @Override
  public Init<State> init(Object arg) {
    return Init.ok(new State(new HashMap<>(), new HashMap<>()));
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    if (request instanceof Find(String room)) {
      Pid pid = state.rooms().get(room);
      if (pid == null || !Process.isAlive(pid)) {
        pid = Room.start(room);
        state.rooms().put(room, pid);
        state.monitors().put(Process.monitor(pid), room);
      }
      return new Reply<>(pid, state);
    }
    if (request instanceof Names) {
      return new Reply<>(state.rooms().keySet().stream().sorted().toList(), state);
    }
    return new Reply<>(null, state);
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    return new NoReply<>(state);
  }

  @Override
  public CastResult<State> handleInfo(Object message, State state) {
    if (message instanceof Down down) {
      String room = state.monitors().remove(down.ref());
      if (room != null) {
        state.rooms().remove(room, down.pid());
      }
    }
    return new NoReply<>(state);
  }
}
