/**
 * HTTP with handlers that upgrade: {@code dev.molt.http}. A Helidon SE webserver routes each
 * request to the current version of a module's {@code HttpService}.
 */
module dev.molt.http {
  requires transitive dev.molt.runtime;
  requires transitive io.helidon.webserver;
  requires io.helidon.webserver.websocket;
  requires io.helidon.websocket;
  requires dev.molt.release;
  requires org.slf4j;
  requires static org.apiguardian.api;

  exports dev.molt.http;
}
