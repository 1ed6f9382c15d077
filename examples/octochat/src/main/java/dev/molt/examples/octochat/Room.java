package dev.molt.examples.octochat;

import dev.molt.Down;
import dev.molt.Pid;
import dev.molt.Process;
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
 * A chat room, 1.0.0: its members by connection, each with a name. A line one member says goes to
 * every other member as {@code name: text}.
 */
public final class Room implements GenServer<Room.State> {
  /** The room's name and its members' names by connection. */
  public record State(String name, Map<Pid, String> members) {}

  public record Join(Pid member, String nick) {}

  public record Leave(Pid member) {}

  public record Nick(Pid member, String nick) {}

  public record Say(Pid member, String text) {}

  static Pid start(String name) {
    return GenServer.start(CodeServer.newInstance(Room.class, GenServer.class), name);
  }

  @Override
  public Init<State> init(Object arg) {
    return Init.ok(new State((String) arg, new HashMap<>()));
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    switch (request) {
      case Join(Pid member, String nick) -> {
        if (state.members().put(member, nick) == null) {
          Process.monitor(member);
        }
      }
      case Leave(Pid member) -> state.members().remove(member);
      case Nick(Pid member, String nick) -> state.members().replace(member, nick);
      case Say(Pid member, String text) -> {
        String line = state.members().getOrDefault(member, "?") + ": " + text;
        for (Pid other : state.members().keySet()) {
          if (!other.equals(member)) {
            ChatConnection.deliver(other, line);
          }
        }
      }
      default -> {}
    }
    return new NoReply<>(state);
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    return new Reply<>("unknown request", state);
  }

  @Override
  public CastResult<State> handleInfo(Object message, State state) {
    if (message instanceof Down down) {
      state.members().remove(down.pid());
    }
    return new NoReply<>(state);
  }
}
