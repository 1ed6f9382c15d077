package dev.molt.http;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** What a WebSocket connection's process gets in {@code init}: its socket. */
@API(status = EXPERIMENTAL, since = "0.1")
public record WsConnection(WsSocket socket) {}
