package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * What {@link GenServer#handleCast}, {@link GenServer#handleInfo} and {@link
 * GenServer#handleContinue} return: {@link NoReply} (or {@link NoReply#then}) or {@link Stop}.
 */
@API(status = STABLE, since = "0.1")
public sealed interface CastResult<S> permits NoReply, NoReply.Then, Stop {}
