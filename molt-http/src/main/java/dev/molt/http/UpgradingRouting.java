package dev.molt.http;

import dev.molt.code.CodeServer;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpSecurity;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http1.spi.Http1RoutedUpgrade;
import io.helidon.webserver.http1.spi.Http1UpgradeResponse;
import io.helidon.webserver.http1.spi.Http1UpgradeResult;
import io.helidon.webserver.http1.spi.Http1UpgradeRouting;
import io.helidon.webserver.spi.ServerConnection;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * The webserver's routing: each request goes to the Helidon routing of the current version of the
 * service class, built the first time a request meets that version. A request keeps the routing it
 * started with, so one in flight during an upgrade finishes on its old code; the old routing goes
 * when its last request ends.
 */
final class UpgradingRouting implements HttpRouting, Http1UpgradeRouting {
  private record Current(Class<?> type, HttpRouting routing) {}

  private final String service;
  private final String healthPath;
  private final HttpSecurity security = HttpSecurity.create();
  private volatile Current current;

  UpgradingRouting(String service, String healthPath) {
    this.service = service;
    this.healthPath = healthPath;
  }

  @Override
  public void route(ConnectionContext ctx, RoutingRequest request, RoutingResponse response) {
    routing().route(ctx, request, response);
  }

  /** The routing of the service's current version. */
  HttpRouting routing() {
    Class<?> type = current(service, "HTTP service");
    Current known = current;
    if (known != null && known.type() == type) {
      return known.routing();
    }
    synchronized (this) {
      known = current;
      if (known == null || known.type() != type) {
        HttpRouting.Builder builder =
            HttpRouting.builder().register(CodeServer.newInstance(type, HttpService.class));
        if (healthPath != null) {
          builder = builder.get(healthPath, new Health());
        }
        HttpRouting routing = builder.build();
        routing.beforeStart();
        known = new Current(type, routing);
        current = known;
      }
      return known.routing();
    }
  }

  /**
   * The current version of the module class {@code name}, or the class path's if no module has it.
   */
  static Class<?> current(String name, String what) {
    return CodeServer.currentClass(name)
        .orElseGet(
            () -> {
              try {
                return Class.forName(name, true, Thread.currentThread().getContextClassLoader());
              } catch (ClassNotFoundException e) {
                throw new IllegalStateException(
                    "no module defines the " + what + " " + name + ", nor the class path", e);
              }
            });
  }

  /**
   * A protocol upgrade (a WebSocket handshake) is routed like any request: through the current
   * version's routing, which hands it to the upgrade's own routing. The upgraded connection is
   * watched to its end, however it ends.
   */
  @Override
  public Http1UpgradeResult routeUpgrade(
      ConnectionContext ctx,
      RoutingRequest request,
      RoutingResponse response,
      Http1UpgradeResponse upgradeResponse,
      Http1RoutedUpgrade upgrade) {
    Http1UpgradeResult result =
        ((Http1UpgradeRouting) routing())
            .routeUpgrade(ctx, request, response, upgradeResponse, upgrade);
    return result
        .connection()
        .map(connection -> Http1UpgradeResult.upgraded(new Watched(connection)))
        .orElse(result);
  }

  /**
   * An upgraded connection that tells its WebSocket's process when it ends: the webserver calls no
   * listener when a frame it cannot parse ends the connection.
   */
  private record Watched(ServerConnection connection) implements ServerConnection {
    @Override
    public void handle(Limit limit) throws InterruptedException {
      try {
        connection.handle(limit);
      } finally {
        ProcessListener.ended(connection);
      }
    }

    @Override
    public void handle(Semaphore requestSemaphore) throws InterruptedException {
      try {
        connection.handle(requestSemaphore);
      } finally {
        ProcessListener.ended(connection);
      }
    }

    @Override
    public Duration idleTime() {
      return connection.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
      connection.close(interrupt);
    }
  }

  @Override
  public HttpSecurity security() {
    return security;
  }
}
