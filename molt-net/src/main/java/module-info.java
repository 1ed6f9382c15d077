/**
 * Connections as processes, after OTP's {@code gen_tcp} and Ranch: {@code dev.molt.net}.
 *
 * <p>A {@link dev.molt.net.TcpListener} accepts connections with a pool of acceptors and starts a
 * process on the current code of a handler class for each; the process owns its {@link
 * dev.molt.net.TcpSocket} and gets its data as messages. The listener is stable-layer code, so it
 * survives upgrades of the module that handles its connections.
 */
module dev.molt.net {
  requires transitive dev.molt.runtime;
  requires org.slf4j;
  requires static org.apiguardian.api;

  exports dev.molt.net;
}
