package dev.molt.behaviour;

import org.apiguardian.api.API;

import static org.apiguardian.api.API.Status.STABLE;

/** What {@link GenServer#handleCast} and {@link GenServer#handleInfo} return: {@link NoReply} or {@link Stop}. */
@API(status = STABLE, since = "0.1")
public sealed interface CastResult<S> permits NoReply, Stop {}
