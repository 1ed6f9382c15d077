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
import io.helidon.common.Builder;
import io.helidon.webserver.Routing;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpService;
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
   */
  public record Spec(String name, String host, int port, String service, String healthPath) {
    public Spec withHealthPath(String healthPath) {
      return new Spec(name, host, port, service, healthPath);
    }
  }

  /**
   * A server named {@code name} on {@code port} of every address, served by {@code service}, with
   * the node's figures at {@code /_molt/health}.
   */
  public static Spec spec(String name, int port, Class<? extends HttpService> service) {
    return new Spec(name, "0.0.0.0", port, service.getName(), "/_molt/health");
  }

  /** Starts the server, unlinked; fails if it cannot listen. */
  public static Pid start(Spec spec) {
    return GenServer.start(spec.name(), new Server(), spec);
  }

  /** Starts the server, linked to the calling process. */
  public static Pid startLink(Spec spec) {
    return GenServer.startLink(spec.name(), new Server(), spec);
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
      Builder<?, ? extends Routing> builder = new FixedRouting(routing);
      WebServer server =
          WebServer.builder()
              .host(spec.host())
              .port(spec.port())
              .addRouting(builder)
              .build()
              .start();
      LOG.info(
          "HTTP server {} on port {}, served by {}", spec.name(), server.port(), spec.service());
      return Init.ok(server);
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

  /** Hands the webserver a routing already built. */
  private record FixedRouting(UpgradingRouting routing)
      implements Builder<FixedRouting, UpgradingRouting> {
    @Override
    public UpgradingRouting build() {
      return routing;
    }
  }
}
