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
import dev.molt.code.Migration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A chat room, 1.1.0: its members by connection, each with a name and when it joined, and the lines
 * said. A line one member says goes to every other member as {@code [HH:mm:ss] name: text}; {@link
 * Who} lists the members' names.
 */
public final class Room implements GenServer<Room.State> {
  /** The room's name, its members' names and join times by connection, and the lines said. */
  public record State(
      String name, Map<Pid, String> members, Map<Pid, Instant> joined, long lines) {}

  /** Asks for the names in the room, as one line. */
  public record Who() {}

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  public record Join(Pid member, String nick) {}

  public record Leave(Pid member) {}

  public record Nick(Pid member, String nick) {}

  public record Say(Pid member, String text) {}

  static Pid start(String name) {
    return GenServer.start(CodeServer.newInstance(Room.class, GenServer.class), name);
  }

  @Override
  public Init<State> init(Object arg) {
    return Init.ok(new State((String) arg, new HashMap<>(), new HashMap<>(), 0));
  }

  /**
   * From 1.0.0: every member joined now, as far as this version can tell, and no line was said.
   * Going back to 1.0.0 drops both (1.0.0's default code change).
   */
  @Override
  @SuppressWarnings("unchecked")
  public State codeChange(Object oldVsn, Object oldState, Object extra) {
    Map<Pid, String> members = (Map<Pid, String>) Migration.component(oldState, "members");
    Map<Pid, Instant> joined = new HashMap<>();
    Instant now = Instant.now();
    members.keySet().forEach(member -> joined.put(member, now));
    return new State((String) Migration.component(oldState, "name"), members, joined, 0);
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    switch (request) {
      case Join(Pid member, String nick) -> {
        if (state.members().put(member, nick) == null) {
          Process.monitor(member);
        }
        state.joined().putIfAbsent(member, Instant.now());
      }
      case Leave(Pid member) -> {
        state.members().remove(member);
        state.joined().remove(member);
      }
      case Nick(Pid member, String nick) -> state.members().replace(member, nick);
      case Say(Pid member, String text) -> {
        String line =
            "["
                + LocalTime.now(ZoneOffset.UTC).format(CLOCK)
                + "] "
                + state.members().getOrDefault(member, "?")
                + ": "
                + text;
        for (Pid other : state.members().keySet()) {
          if (!other.equals(member)) {
            ChatConnection.deliver(other, line);
          }
        }
        return new NoReply<>(
            new State(state.name(), state.members(), state.joined(), state.lines() + 1));
      }
      default -> {}
    }
    return new NoReply<>(state);
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    if (request instanceof Who) {
      return new Reply<>(
          "in " + state.name() + ": " + String.join(", ", new TreeSet<>(state.members().values())),
          state);
    }
    return new Reply<>("unknown request", state);
  }

  @Override
  public CastResult<State> handleInfo(Object message, State state) {
    if (message instanceof Down down) {
      state.members().remove(down.pid());
      state.joined().remove(down.pid());
    }
    return new NoReply<>(state);
  }
}
