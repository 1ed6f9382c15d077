package dev.molt.http;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** A text message that arrived on {@code socket}, whole, sent to the socket's process. */
@API(status = EXPERIMENTAL, since = "0.1")
public record WsText(WsSocket socket, String text) {}
