package dev.molt.examples.octochat;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** octochat's HTTP side, 1.0.0: {@code GET /rooms} lists the rooms, one per line. */
public final class Api implements HttpService {
  @Override
  public void routing(HttpRules rules) {
    rules.get("/rooms", (request, response) -> response.send(lines(Rooms.names())));
  }

  static String lines(Iterable<String> lines) {
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line).append('\n'));
    return text.toString();
  }
}
