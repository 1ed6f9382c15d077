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
import dev.molt.http.WsClosed;
import dev.molt.http.WsConnection;
import dev.molt.http.WsSocket;
import dev.molt.http.WsText;
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

  /**
   * The socket (a TCP {@link TcpSocket} or a {@link WsSocket}), the client's name, its room's name
   * and the room.
   */
  public record State(Object socket, String nick, String roomName, Pid room) {}

  /** A line for this client, from its room. */
  public record Line(String text) {}

  /** Sends {@code line} to the client of connection {@code connection}. */
  static void deliver(Pid connection, String line) {
    GenServer.cast(connection, new Line(line));
  }

  @Override
  public Init<State> init(Object arg) {
    Object socket =
        arg instanceof WsConnection ws ? ws.socket() : ((TcpListener.Connection) arg).socket();
    String nick = "guest" + GUESTS.incrementAndGet();
    Pid room = join("lobby", nick);
    send(socket, "welcome, " + nick + "; you are in lobby");
    if (socket instanceof TcpSocket tcp) {
      tcp.setActiveOnce();
    }
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
        ((TcpSocket) state.socket()).setActiveOnce();
        yield new NoReply<>(next);
      }
      case WsText(WsSocket socket, String text) -> new NoReply<>(handle(text, state));
      case TcpError error -> new NoReply<>(state);
      case TcpClosed closed -> new Stop<>(ExitReason.normal(), state);
      case WsClosed closed -> new Stop<>(ExitReason.normal(), state);
      default -> new NoReply<>(state);
    };
  }

  private State handle(String line, State state) {
    if (line.startsWith("/join ") && !line.substring(6).isBlank()) {
      String name = line.substring(6).strip();
      GenServer.cast(state.room(), new Room.Leave(Process.self()));
      Pid room = join(name, state.nick());
      send(state.socket(), "you are in " + name);
      return new State(state.socket(), state.nick(), name, room);
    }
    if (line.startsWith("/nick ") && !line.substring(6).isBlank()) {
      String nick = line.substring(6).strip();
      GenServer.cast(state.room(), new Room.Nick(Process.self(), nick));
      send(state.socket(), "you are " + nick);
      return new State(state.socket(), nick, state.roomName(), state.room());
    }
    if (line.startsWith("/")) {
      send(state.socket(), "unknown command " + line.split(" ", 2)[0]);
      return state;
    }
    GenServer.cast(state.room(), new Room.Say(Process.self(), line));
    return state;
  }

  /** Sends {@code line} on a TCP or WebSocket connection. */
  private static void send(Object socket, String line) {
    switch (socket) {
      case TcpSocket tcp -> tcp.send(line);
      case WsSocket ws -> ws.send(line);
      default -> throw new IllegalStateException("not a socket: " + socket);
    }
  }

  @Override
  public CastResult<State> handleCast(Object request, State state) {
    if (request instanceof Line(String text)) {
      send(state.socket(), text);
    }
    return new NoReply<>(state);
  }

  @Override
  public CallResult<State> handleCall(Object request, From from, State state) {
    return new Reply<>(state.nick() + " in " + state.roomName(), state);
  }
}
