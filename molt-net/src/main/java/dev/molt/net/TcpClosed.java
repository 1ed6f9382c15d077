package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The peer closed {@code socket} (or it failed, after a {@link TcpError}): the last message a
 * controlling process gets from it. Not sent for a socket closed by its own side.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TcpClosed(TcpSocket socket) {}
