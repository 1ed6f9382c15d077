package dev.molt.examples.octochat;

import dev.molt.Pid;
import dev.molt.behaviour.ApplicationCallback;
import dev.molt.behaviour.ChildSpec;
import dev.molt.behaviour.Restart;
import dev.molt.behaviour.RestartStrategy;
import dev.molt.behaviour.Supervisor;
import dev.molt.behaviour.SupervisorSpec;
import dev.molt.http.HttpServer;
import dev.molt.net.SocketOptions;
import dev.molt.net.TcpListener;
import java.time.Duration;
import java.util.Map;

/**
 * The octochat application: a supervisor running the {@link Rooms} registry, a TCP listener on the
 * config key {@code port} (default 4040), whose connections each get a {@link ChatConnection}, and
 * an HTTP server on {@code http_port} (default 4080): {@link Api}'s routes, and WebSocket clients
 * at {@code /chat}, each also a {@link ChatConnection}.
 */
public final class Octochat implements ApplicationCallback {
  /** The module of the application's code. */
  static final String MODULE = "octochat";

  @Override
  public Pid start(Restart type, Map<String, Object> env) {
    int port = env.get("port") instanceof Number n ? n.intValue() : 4040;
    int httpPort = env.get("http_port") instanceof Number n ? n.intValue() : 4080;
    return Supervisor.startLink(
        "octochat_sup",
        SupervisorSpec.of(
                RestartStrategy.ONE_FOR_ONE,
                ChildSpec.worker("rooms", args -> Rooms.startLink()).withModules(MODULE),
                TcpListener.childSpec(
                    TcpListener.spec("octochat_listener", port, ChatConnection.class)
                        .withSocket(SocketOptions.lines().withMaxPacket(4096))
                        .withMaxConnections(20_000)),
                HttpServer.childSpec(
                    HttpServer.spec("octochat_http", httpPort, Api.class)
                        .withWebSocket("/chat", ChatConnection.class)))
            .withIntensity(3, Duration.ofSeconds(5)));
  }
}
