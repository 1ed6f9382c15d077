package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * What {@link GenServer#handleCall} returns: {@link Reply}, {@link NoReply} or {@link Stop}, or a
 * reply or no-reply followed by a {@link Next} ({@link Reply#then}, {@link NoReply#then}).
 */
@API(status = STABLE, since = "0.1")
public sealed interface CallResult<S> permits Reply, Reply.Then, NoReply, NoReply.Then, Stop {}
