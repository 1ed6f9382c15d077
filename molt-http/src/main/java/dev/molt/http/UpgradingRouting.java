package dev.molt.http;

import dev.molt.code.CodeServer;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpSecurity;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * The webserver's routing: each request goes to the Helidon routing of the current version of the
 * service class, built the first time a request meets that version. A request keeps the routing it
 * started with, so one in flight during an upgrade finishes on its old code; the old routing goes
 * when its last request ends.
 */
final class UpgradingRouting implements HttpRouting {
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
    Class<?> type = CodeServer.currentClass(service).orElseGet(this::fromClassPath);
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

  private Class<?> fromClassPath() {
    try {
      return Class.forName(service, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "no module defines the HTTP service " + service + ", nor the class path", e);
    }
  }

  @Override
  public HttpSecurity security() {
    return security;
  }
}
