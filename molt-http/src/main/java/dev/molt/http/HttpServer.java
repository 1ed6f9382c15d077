package dev.molt.http;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.molt.ExitReason;
import dev.molt.Pid;
import dev.molt.behaviour.CallResult;
import dev.molt.behaviour.CastResult;
import dev.molt.behaviour.ChildSpec;
import dev.molt.behaviour.From;
import dev.molt.behaviour.GenServer;
import dev.molt.behaviour.Init;
import dev.molt.behaviour.NoReply;
import dev.molt.behaviour.Reply;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server whose handlers upgrade: a Helidon SE webserver (virtual thread per request) that
 * routes each request to the current version of a module's {@link HttpService}, named by class.
 * Routes and handlers are module code, written as for Helidon ({@code rules.get("/hello/{name}",
 * handler)}); after an upgrade the next request runs the new ones, and a request in flight finishes
 * on the code it started with. The server itself is stable-layer code and keeps its port through
 * upgrades.
 *
 * <pre>{@code
 * ChildSpec http = HttpServer.childSpec(HttpServer.spec("api", 8080, Api.class));
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class HttpServer {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private HttpServer() {}

  /**
   * A server.
   *
   * @param name the name its process registers under
   * @param host the address it listens on
   * @param port the port; 0 takes a free one ({@link #port})
   * @param service the {@link HttpService} class, by name: its current version serves each request
   * @param healthPath where the node's figures are served as JSON (processes, module versions, the
   *     last upgrade and its pause), or null for nowhere
   * @param webSockets WebSocket endpoints: path to the class, by name, of the {@link GenServer}
   *     whose current version each connection gets (its {@code init} receives a {@link
   *     WsConnection})
   */
  public record Spec(
      String name,
      String host,
      int port,
      String service,
      String healthPath,
      Map<String, String> webSockets,
      WebSocketLimits webSocketLimits) {
    public Spec {
      webSockets = Map.copyOf(webSockets);
      Objects.requireNonNull(webSocketLimits, "webSocketLimits");
    }

    /** A server with no WebSocket endpoint. */
    public Spec(String name, String host, int port, String service, String healthPath) {
      this(name, host, port, service, healthPath, Map.of(), WebSocketLimits.DEFAULT);
    }

    public Spec withHealthPath(String healthPath) {
      return new Spec(name, host, port, service, healthPath, webSockets, webSocketLimits);
    }

    /**
     * With a WebSocket endpoint at {@code path}: each connection is a process of the current
     * version of {@code handler}, whose {@code init} gets a {@link WsConnection}.
     */
    public Spec withWebSocket(String path, Class<? extends GenServer<?>> handler) {
      return withWebSocket(path, handler.getName());
    }

    /** With a WebSocket endpoint at {@code path}, its handler class given by name. */
    public Spec withWebSocket(String path, String handler) {
      Map<String, String> all = new TreeMap<>(webSockets);
      all.put(path, handler);
      return new Spec(name, host, port, service, healthPath, all, webSocketLimits);
    }

    public Spec withWebSocketLimits(WebSocketLimits limits) {
      return new Spec(name, host, port, service, healthPath, webSockets, limits);
    }
  }

  /**
   * What one WebSocket connection may hold.
   *
   * @param maxMessageBytes the longest message a client may send; a longer one drops the connection
   *     (status 1009)
   * @param maxBufferedBytes how much may wait to be sent to a client that does not read; more drops
   *     the connection (status 1008) instead of growing the heap
   * @param maxMailbox how many messages may wait in the connection's process; past it, reading from
   *     the client pauses
   */
  public record WebSocketLimits(int maxMessageBytes, long maxBufferedBytes, int maxMailbox) {
    /** 1 MiB messages, 4 MiB waiting to be sent, 1,000 messages waiting in the process. */
    public static final WebSocketLimits DEFAULT = new WebSocketLimits(1 << 20, 4L << 20, 1_000);

    public WebSocketLimits {
      if (maxMessageBytes <= 0 || maxBufferedBytes <= 0 || maxMailbox <= 0) {
        throw new IllegalArgumentException("WebSocket limits must be positive: " + this);
      }
    }
  }

  /**
   * A server named {@code name} on {@code port} of every address, served by {@code service}, with
   * the node's figures at {@code /_molt/health}.
   */
  public static Spec spec(String name, int port, Class<? extends HttpService> service) {
    return new Spec(name, "0.0.0.0", port, service.getName(), "/_molt/health");
  }

  /**
   * Starts the server, unlinked; fails, saying why, if it cannot listen (a port in use, an address
   * not allowed). The webserver may take a while to start on a loaded machine: this waits up to 60
   * s.
   */
  public static Pid start(Spec spec) {
    return GenServer.start(spec.name(), new Server(), spec, START_TIMEOUT);
  }

  /** Starts the server, linked to the calling process; fails as {@link #start} does. */
  public static Pid startLink(Spec spec) {
    return GenServer.startLink(spec.name(), new Server(), spec, START_TIMEOUT);
  }

  /** A supervisor's child that is the server. */
  public static ChildSpec childSpec(Spec spec) {
    return ChildSpec.worker(spec.name(), args -> startLink(spec));
  }

  /** The port server {@code name} listens on. */
  public static int port(String name) {
    return (Integer) GenServer.call(name, PortRequest.INSTANCE);
  }

  /** Stops server {@code name}: it stops accepting, and its port closes. */
  public static void stop(String name) {
    GenServer.stop(name);
  }

  private enum PortRequest {
    INSTANCE
  }

  private static final class Server implements GenServer<WebServer> {
    @Override
    public Init<WebServer> init(Object arg) {
      Spec spec = (Spec) arg;
      UpgradingRouting routing = new UpgradingRouting(spec.service(), spec.healthPath());
      var server =
          WebServer.builder()
              .host(spec.host())
              .port(spec.port())
              .routing(asBuilder(routing))
              .addProtocol(
                  WsConfig.builder()
                      .name("websocket")
                      .maxFrameLength(spec.webSocketLimits().maxMessageBytes())
                      .build());
      if (!spec.webSockets().isEmpty()) {
        WsRouting.Builder sockets = WsRouting.builder();
        spec.webSockets()
            .forEach(
                (path, handler) ->
                    sockets.endpoint(
                        path, () -> new ProcessListener(handler, spec.webSocketLimits())));
        server.addRouting(sockets);
      }
      WebServer started = server.build().start();
      if (!started.isRunning() || started.port() <= 0) {
        started.stop();
        throw new IllegalStateException(
            "HTTP server "
                + spec.name()
                + " cannot listen on "
                + spec.host()
                + ":"
                + spec.port()
                + ": "
                + whyNot(spec.host(), spec.port()));
      }
      LOG.info(
          "HTTP server {} on port {}, served by {}", spec.name(), started.port(), spec.service());
      return Init.ok(started);
    }

    @Override
    public CallResult<WebServer> handleCall(Object request, From from, WebServer server) {
      return new Reply<>(server.port(), server);
    }

    @Override
    public CastResult<WebServer> handleCast(Object request, WebServer server) {
      return new NoReply<>(server);
    }

    @Override
    public void terminate(ExitReason reason, WebServer server) {
      server.stop();
    }
  }

  /** Why the webserver could not listen: the error of a listen of our own on the same address. */
  private static String whyNot(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(host, port));
      return "the webserver did not start (its reason is in the console log)";
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /**
   * Hands the webserver the routing, already built, as an HTTP routing builder. A routing given any
   * other way is served beside an empty HTTP routing the webserver adds, and which of the two
   * serves depends on identity hash order: requests then answer 404 at random.
   */
  private static HttpRouting.Builder asBuilder(UpgradingRouting routing) {
    HttpRouting.Builder ignored = HttpRouting.builder();
    return (HttpRouting.Builder)
        Proxy.newProxyInstance(
            HttpServer.class.getClassLoader(),
            new Class<?>[] {HttpRouting.Builder.class},
            (proxy, method, args) -> {
              boolean noArgs = args == null || args.length == 0;
              if (noArgs && (method.getName().equals("build") || method.getName().equals("get"))) {
                return routing;
              }
              if (method.getName().equals("equals") && args != null && args.length == 1) {
                return proxy == args[0];
              }
              if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
              }
              Object result = method.invoke(ignored, args);
              return result == ignored ? proxy : result;
            });
  }
}
