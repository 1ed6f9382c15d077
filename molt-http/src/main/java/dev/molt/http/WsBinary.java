package dev.molt.http;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** A binary message that arrived on {@code socket}, whole, sent to the socket's process. */
@API(status = EXPERIMENTAL, since = "0.1")
public record WsBinary(WsSocket socket, byte[] bytes) {}
