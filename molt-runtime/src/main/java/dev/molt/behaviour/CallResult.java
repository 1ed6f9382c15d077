package dev.molt.behaviour;

import org.apiguardian.api.API;

import static org.apiguardian.api.API.Status.STABLE;

/** What {@link GenServer#handleCall} returns: {@link Reply}, {@link NoReply} or {@link Stop}. */
@API(status = STABLE, since = "0.1")
public sealed interface CallResult<S> permits Reply, NoReply, Stop {}
