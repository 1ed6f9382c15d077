package dev.molt.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.molt.code.CodeServer;
import dev.molt.code.ModuleSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes and handlers are module code: after a new version loads, the next request runs it, and a
 * request in flight finishes on the code it started with. Real HTTP over a real socket.
 */
class UpgradingHandlersTest {
  /** Where a slow request waits until the test lets it go on (module code reads them by name). */
  private static final CountDownLatch RELEASE = new CountDownLatch(1);

  private static final CountDownLatch ENTERED = new CountDownLatch(1);

  static {
    System.getProperties().put("httpup.release", RELEASE);
    System.getProperties().put("httpup.entered", ENTERED);
  }

  @TempDir Path work;

  private Path version(String tag) throws Exception {
    Path dir = Files.createDirectories(work.resolve(tag).resolve("test/httpup"));
    Files.writeString(
        dir.resolve("Api.java"),
        """
        package test.httpup;
        import io.helidon.webserver.http.*;
        public final class Api implements HttpService {
          public void routing(HttpRules rules) {
            rules.get("/hello/{name}", (req, res) ->
                res.send("%1$s hello " + req.path().pathParameters().get("name")));
            rules.get("/slow", (req, res) -> {
              var props = System.getProperties();
              ((java.util.concurrent.CountDownLatch) props.get("httpup.entered")).countDown();
              ((java.util.concurrent.CountDownLatch) props.get("httpup.release"))
                  .await(30, java.util.concurrent.TimeUnit.SECONDS);
              res.send("%1$s slow");
            });
          }
        }
        """
            .formatted(tag));
    return dir.resolve("Api.java");
  }

  @Test
  void theNextRequestRunsTheNewHandlersAndOneInFlightFinishesOnItsOwn() throws Exception {
    CodeServer.load(ModuleSource.sources("httpup", version("v1")));
    HttpServer.start(
        new HttpServer.Spec("httpup", "127.0.0.1", 0, "test.httpup.Api", "/_molt/health"));
    HttpClient client = HttpClient.newHttpClient();
    try {
      String base = "http://127.0.0.1:" + HttpServer.port("httpup");
      assertThat(get(client, base + "/hello/bob")).isEqualTo("200 v1 hello bob");
      CompletableFuture<HttpResponse<String>> slow =
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/slow")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ENTERED.await(30, TimeUnit.SECONDS)).isTrue();

      CodeServer.load(ModuleSource.sources("httpup", version("v2")));

      assertThat(get(client, base + "/hello/ann")).isEqualTo("200 v2 hello ann");
      RELEASE.countDown();
      assertThat(slow.get(30, TimeUnit.SECONDS).body())
          .as("the request in flight, on the code it started with")
          .isEqualTo("v1 slow");
      assertThat(get(client, base + "/nothing")).startsWith("404");
      assertThat(get(client, base + "/_molt/health"))
          .startsWith("200 {\"status\":\"up\",\"processes\":")
          .containsPattern("\"httpup\":\\d+")
          .contains("\"lastUpgrade\":");
    } finally {
      HttpServer.stop("httpup");
      CodeServer.purge("httpup");
      CodeServer.delete("httpup");
      CodeServer.purge("httpup");
    }
  }

  private static String get(HttpClient client, String uri) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }
}
