package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** What {@link GenServer#handleCall} returns: {@link Reply}, {@link NoReply} or {@link Stop}. */
@API(status = STABLE, since = "0.1")
public sealed interface CallResult<S> permits Reply, NoReply, Stop {}
