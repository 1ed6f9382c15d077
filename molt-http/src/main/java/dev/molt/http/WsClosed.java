package dev.molt.http;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** {@code socket} was closed by the peer, or failed: the last message its process gets from it. */
@API(status = EXPERIMENTAL, since = "0.1")
public record WsClosed(WsSocket socket, int status, String reason) {}
