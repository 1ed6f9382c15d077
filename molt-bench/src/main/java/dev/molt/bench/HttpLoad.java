package dev.molt.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** GETs at a fixed rate, each on its own thread, so a slow answer does not lower the rate. */
final class HttpLoad {
  final AtomicLong ok = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final List<String> failures = Collections.synchronizedList(new ArrayList<>());
  final AtomicBoolean running = new AtomicBoolean(true);
  final Thread thread;

  HttpLoad(URI uri, int perSecond) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    thread =
        Thread.ofVirtual()
            .start(
                () -> {
                  long period = 1_000_000_000L / perSecond;
                  long due = System.nanoTime();
                  while (running.get()) {
                    Thread.ofVirtual().start(() -> get(http, uri));
                    due += period;
                    LockSupport.parkNanos(due - System.nanoTime());
                  }
                });
  }

  private void get(HttpClient http, URI uri) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        ok.incrementAndGet();
        return;
      }
      failures.add(response.statusCode() + " " + response.body());
    } catch (IOException | InterruptedException e) {
      failures.add(e.toString());
    }
    failed.incrementAndGet();
  }

  void stop() throws InterruptedException {
    running.set(false);
    thread.join();
    Thread.sleep(2_500); // the last requests answer or time out
  }
}
