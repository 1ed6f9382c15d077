package dev.molt.examples.octochat;

import dev.molt.behaviour.GenServer;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/**
 * octochat's HTTP side, 1.1.0: {@code GET /rooms} lists the rooms, one per line, and {@code GET
 * /rooms/NAME} answers what {@code /who} answers in that room.
 */
public final class Api implements HttpService {
  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/rooms", (request, response) -> response.send(lines(Rooms.names())))
        .get(
            "/rooms/{room}",
            (request, response) -> {
              String room = request.path().pathParameters().get("room");
              if (!Rooms.names().contains(room)) {
                response.status(Status.NOT_FOUND_404).send("no room " + room + "\n");
                return;
              }
              response.send(GenServer.call(Rooms.find(room), new Room.Who()) + "\n");
            });
  }

  static String lines(Iterable<String> lines) {
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line).append('\n'));
    return text.toString();
  }
}
