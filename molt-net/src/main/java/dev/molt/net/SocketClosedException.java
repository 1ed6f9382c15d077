package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** A {@link TcpSocket#recv} on a socket that is closed, or closed while it waited. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SocketClosedException extends RuntimeException {
  SocketClosedException(String message) {
    super(message);
  }
}
