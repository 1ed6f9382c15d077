package dev.molt.examples.octochat;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import dev.molt.behaviour.Stop;
import dev.molt.net.TcpClosed;
import dev.molt.net.TcpData;
import dev.molt.net.TcpError;
import dev.molt.net.TcpListener;
import dev.molt.net.TcpSocket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's connection, 1.0.0: it starts in room {@code lobby}; {@code /join ROOM} moves it,
 * {@code /nick NAME} names it, and any other line goes to the others in its room.
 */
public final class ChatConnection implements GenServer<ChatConnection.State> {
  private static final AtomicLong GUESTS = new AtomicLong();

  /** The socket, the client's name, its room's name and the room. */
  public record State(TcpSocket socket, String nick, String roomName, Pid room) {}

  /** A line for this client, from its room. */
  public record Line(String text) {}

  /** Sends {@code line} to the client of connection {@code connection}. */
  static void deliver(Pid connection, String line) {
    GenServer.cast(connection, new Line(line));
  }

  @Override
  public Init<State> init(Object arg) {
    TcpSocket socket = ((TcpListener.Connection) arg).socket();
    String nick = "guest" + GUESTS.incrementAndGet();
    Pid room = join("lobby", nick);
    socket.send("welcome, " + nick + "; you are in lobby");
    socket.setActiveOnce();
    return Init.ok(new State(socket, nick, "lobby", room));
  }

  private static Pid join(String name, String nick) {
    Pid room = Rooms.find(name);
    GenServer.cast(room, new Room.Join(Process.self(), nick));
    return room;
  }

  @Override
  public CastResult<State> handleInfo(Object message, State state) {
    return switch (message) {
      case TcpData data -> {
        State next = handle(data.text(), state);
        state.socket().setActiveOnce();
        yield new NoReply<>(next);
      }
      case TcpError error -> new NoReply<>(state);
      case TcpClosed closed -> new Stop<>(ExitReason.normal(), state);
      default -> new NoReply<>(state);
    };
  }

  private State handle(String line, State state) {
    if (line.startsWith("/join ") && !line.substring(6).isBlank()) {
      String name = line.substring(6).strip();
      GenServer.cast(state.room(), new Room.Leave(Process.self()));
      Pid room = join(name, state.nick());
      state.socket().send("you are in " + name);
      return new State(state.socket(), state.nick(), name, room);
    }
    if (line.startsWith("/nick ") && !line.substring(6).isBlank()) {
      String nick = line.substring(6).strip();
      GenServer.cast(state.room(), new Room.Nick(Process.self(), nick));
      state.socket().send("you are " + nick);
      return new State(state.socket(), nick, state.roomName(), state.room());
    }
    if (line.startsWith("/")) {
      state.socket().send("unknown command " + line.split(" ", 2)[0]);
      return state;
    }
    GenServer.cast(state.room(), new Room.Say(Process.self(), line));
    return state;
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    if (request instanceof Line(String text)) {
      state.socket().send(text);
    }
    return new NoReply<>(state);
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    return new Reply<>(state.nick() + " in " + state.roomName(), state);
  }
}
