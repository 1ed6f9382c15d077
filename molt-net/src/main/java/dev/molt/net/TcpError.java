package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * {@code socket} failed and was closed, for {@code reason}: a read error, a message over the
 * maximum packet, or a peer that does not read while output piles up. A {@link TcpClosed} follows.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TcpError(TcpSocket socket, String reason) {}
