package dev.molt.behaviour;

/** What {@link GenServer#handleCast} and {@link GenServer#handleInfo} return: {@link NoReply} or {@link Stop}. */
public sealed interface CastResult<S> permits NoReply, Stop {}
