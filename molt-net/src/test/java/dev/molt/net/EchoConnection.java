package dev.molt.net;

import dev.molt.ExitReason;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import dev.molt.behaviour.Stop;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A connection's server for the tests: answers each message with {@code echo: <message>}, closes on
 * {@code quit}, sends {@code flood N} lines of 1 KiB on request, and records what happened to it in
 * {@link #EVENTS}.
 */
public final class EchoConnection implements GenServer<TcpSocket> {
  /** What connections saw: "error <reason>", "closed", "started". */
  static final BlockingQueue<String> EVENTS = new LinkedBlockingQueue<>();

  @Override
  public Init<TcpSocket> init(Object arg) {
    TcpSocket socket = ((TcpListener.Connection) arg).socket();
    socket.setActiveOnce();
    EVENTS.add("started");
    return Init.ok(socket);
  }

  @Override
  public CastResult<TcpSocket> handleInfo(Object message, TcpSocket socket) {
    switch (message) {
      case TcpData data -> {
        String text = data.text();
        if (text.equals("quit")) {
          socket.close();
          return new Stop<>(ExitReason.normal(), socket);
        }
        if (text.startsWith("flood ")) {
          String kib = "x".repeat(1023);
          for (int i = 0; i < Integer.parseInt(text.substring(6)); i++) {
            if (!socket.send(kib)) {
              break;
            }
          }
        } else {
          socket.send("echo: " + text);
        }
        socket.setActiveOnce();
        return new NoReply<>(socket);
      }
      case TcpError error -> {
        EVENTS.add("error " + error.reason());
        return new NoReply<>(socket);
      }
      case TcpClosed closed -> {
        EVENTS.add("closed");
        return new Stop<>(ExitReason.normal(), socket);
      }
      default -> {
        return new NoReply<>(socket);
      }
    }
  }

  @Override
  public CallResult<TcpSocket> handleCall(Object request, From from, TcpSocket socket) {
    return new Reply<>(socket.peer().toString(), socket);
  }

  @Override
  public CastResult<TcpSocket> handleCast(Object request, TcpSocket socket) {
    return new NoReply<>(socket);
  }
}
