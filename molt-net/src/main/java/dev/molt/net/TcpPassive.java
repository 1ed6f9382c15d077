package dev.molt.net;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * {@code socket} delivered the messages of {@link TcpSocket#setActive(int)} and is passive again:
 * set it active to get more.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TcpPassive(TcpSocket socket) {}
