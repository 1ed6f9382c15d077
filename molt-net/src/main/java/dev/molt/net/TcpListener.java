package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.Down;
import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.ChildSpec;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import dev.molt.code.CodeServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener with a pool of acceptors, as Ranch's: each connection it accepts gets a process of
 * its own, started on the <em>current</em> code of the handler class, a {@link GenServer} whose
 * {@code init} receives a {@link Connection}. The process controls the socket: it sets it active
 * and gets its data as messages in {@code handleInfo}.
 *
 * <pre>{@code
 * ChildSpec listener = TcpListener.childSpec(
 *     TcpListener.spec("chat", 4040, ChatConnection.class).withSocket(SocketOptions.lines()));
 * }</pre>
 *
 * <ul>
 *   <li><b>Upgrades.</b> The listener is stable-layer code and holds the handler's class by name:
 *       an upgrade of the handler's module leaves it listening, connections accepted after the
 *       upgrade start on the new code, and those already open move with the module's code change,
 *       their sockets open.
 *   <li><b>Limits.</b> At {@code maxConnections} the acceptors stop accepting until a connection's
 *       process exits; new clients wait in the kernel's backlog.
 *   <li><b>Stopping</b> the listener closes its port and stops its connections' processes.
 * </ul>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class TcpListener {
  private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

  private TcpListener() {}

  /** What a connection's process gets in {@code init}: its socket and the listener's argument. */
  public record Connection(TcpSocket socket, Object arg) {}

  /**
   * A listener.
   *
   * @param name the name the listener registers under
   * @param address where it listens; port 0 takes a free one ({@link #port})
   * @param handler the connections' server class, by name: its current version is used
   * @param arg what each connection's {@code init} gets in its {@link Connection}
   * @param acceptors how many processes accept at once
   * @param maxConnections how many connections may be open at once
   * @param socket the options of each accepted socket
   * @param tls a TLS context to accept TLS connections with, or null for plain TCP
   */
  public record Spec(
      String name,
      InetSocketAddress address,
      String handler,
      Object arg,
      int acceptors,
      int maxConnections,
      SocketOptions socket,
      SSLContext tls) {
    public Spec {
      if (acceptors < 1) {
        throw new IllegalArgumentException("acceptors must be at least 1, not " + acceptors);
      }
      if (maxConnections < 1) {
        throw new IllegalArgumentException(
            "maxConnections must be at least 1, not " + maxConnections);
      }
    }

    public Spec withArg(Object arg) {
      return new Spec(name, address, handler, arg, acceptors, maxConnections, socket, tls);
    }

    public Spec withAcceptors(int acceptors) {
      return new Spec(name, address, handler, arg, acceptors, maxConnections, socket, tls);
    }

    public Spec withMaxConnections(int maxConnections) {
      return new Spec(name, address, handler, arg, acceptors, maxConnections, socket, tls);
    }

    public Spec withSocket(SocketOptions socket) {
      return new Spec(name, address, handler, arg, acceptors, maxConnections, socket, tls);
    }

    public Spec withTls(SSLContext tls) {
      return new Spec(name, address, handler, arg, acceptors, maxConnections, socket, tls);
    }
  }

  /**
   * A listener named {@code name} on {@code port} of every address, for connections handled by
   * {@code handler}: 8 acceptors, 10,000 connections at most, raw sockets.
   */
  public static Spec spec(String name, int port, Class<? extends GenServer<?>> handler) {
    return new Spec(
        name,
        new InetSocketAddress(port),
        handler.getName(),
        null,
        8,
        10_000,
        SocketOptions.DEFAULTS,
        null);
  }

  /** What a listener counts. */
  public record Info(int port, int connections, long accepted) {}

  /** Starts the listener, unlinked; fails if it cannot listen. */
  public static Pid start(Spec spec) {
    return GenServer.start(spec.name(), new Server(), spec);
  }

  /** Starts the listener, linked to the calling process; fails if it cannot listen. */
  public static Pid startLink(Spec spec) {
    return GenServer.startLink(spec.name(), new Server(), spec);
  }

  /** A supervisor's child that is the listener. */
  public static ChildSpec childSpec(Spec spec) {
    return ChildSpec.worker(spec.name(), args -> startLink(spec));
  }

  /** The port listener {@code name} listens on. */
  public static int port(String name) {
    return info(name).port();
  }

  public static Info info(String name) {
    return (Info) GenServer.call(name, InfoRequest.INSTANCE);
  }

  /** Stops listener {@code name}, closing its port and stopping its connections. */
  public static void stop(String name) {
    GenServer.stop(name);
  }

  private enum InfoRequest {
    INSTANCE
  }

  private record Accepted(Pid connection) {}

  private static final class State {
    final Spec spec;
    final ServerSocket server;
    final Semaphore permits;
    final AtomicLong accepted = new AtomicLong();
    final Map<Ref, Pid> connections = new HashMap<>();
    final java.util.List<Pid> acceptors = new java.util.ArrayList<>();

    State(Spec spec, ServerSocket server) {
      this.spec = spec;
      this.server = server;
      this.permits = new Semaphore(spec.maxConnections());
    }
  }

  /** The listener's process. */
  private static final class Server implements GenServer<State> {
    @Override
    public Init<State> init(Object arg) throws IOException {
      Spec spec = (Spec) arg;
      ServerSocket server =
          spec.tls() == null
              ? new ServerSocket()
              : spec.tls().getServerSocketFactory().createServerSocket();
      server.setReuseAddress(true);
      server.bind(spec.address(), 1024);
      State state = new State(spec, server);
      Pid listener = Process.self();
      Process.trapExit(true);
      for (int i = 0; i < spec.acceptors(); i++) {
        state.acceptors.add(Process.spawnLink(() -> accept(state, listener)));
      }
      LOG.info(
          "listener {} on port {}: {} acceptors, at most {} connections, handled by {}",
          spec.name(),
          server.getLocalPort(),
          spec.acceptors(),
          spec.maxConnections(),
          spec.handler());
      return Init.ok(state);
    }

    @Override
    public CallResult<State> handleCall(Object request, From from, State state) {
      return new Reply<>(
          new Info(state.server.getLocalPort(), state.connections.size(), state.accepted.get()),
          state);
    }

    @Override
    public CastResult<State> handleCast(Object request, State state) {
      return new NoReply<>(state);
    }

    @Override
    public CastResult<State> handleInfo(Object message, State state) {
      switch (message) {
        case Accepted(Pid connection) ->
            state.connections.put(Process.monitor(connection), connection);
        case Down down -> {
          if (state.connections.remove(down.ref()) != null) {
            state.permits.release();
          }
        }
        default -> {
          // an acceptor's exit (trapped) when the port closes: nothing to do
        }
      }
      return new NoReply<>(state);
    }

    @Override
    public void terminate(ExitReason reason, State state) throws IOException {
      state.server.close();
      for (Pid acceptor : state.acceptors) {
        Process.exit(acceptor, ExitReason.kill()); // one may wait for a permit, not in accept
      }
      for (Pid connection : state.connections.values()) {
        Process.exit(connection, ExitReason.shutdown());
      }
      LOG.info("listener {} stopped: {}", state.spec.name(), reason);
    }
  }

  private static void accept(State state, Pid listener) {
    Spec spec = state.spec;
    while (!state.server.isClosed()) {
      try {
        state.permits.acquire();
      } catch (InterruptedException e) {
        return;
      }
      Socket accepted;
      try {
        accepted = state.server.accept();
      } catch (IOException e) {
        state.permits.release();
        if (!state.server.isClosed()) {
          LOG.warn("listener {}: accept failed: {}", spec.name(), e.toString());
        }
        continue;
      }
      TcpSocket socket = null;
      try {
        socket = new TcpSocket(accepted, spec.socket(), null);
        @SuppressWarnings("unchecked")
        GenServer<Object> handler = (GenServer<Object>) handler(spec.handler());
        Pid connection = GenServer.start(handler, new Connection(socket, spec.arg()));
        Process.send(listener, new Accepted(connection));
        state.accepted.incrementAndGet();
        socket.controllingProcess(connection);
      } catch (RuntimeException | IOException e) {
        state.permits.release();
        LOG.warn(
            "listener {}: the connection from {} did not start: {}",
            spec.name(),
            accepted.getRemoteSocketAddress(),
            e.toString());
        if (socket != null) {
          socket.close();
        } else {
          try {
            accepted.close();
          } catch (IOException closing) {
            // the descriptor is released all the same
          }
        }
      }
    }
  }

  /** A new instance of the current version of the handler class. */
  private static GenServer<?> handler(String className) {
    Class<?> type =
        CodeServer.currentClass(className)
            .orElseGet(
                () -> {
                  try {
                    return Class.forName(
                        className, true, Thread.currentThread().getContextClassLoader());
                  } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(
                        "no module defines the handler " + className + ", nor the class path", e);
                  }
                });
    return CodeServer.newInstance(type, GenServer.class);
  }
}
