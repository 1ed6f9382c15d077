package dev.molt.behaviour;

/** What {@link GenServer#handleCall} returns: {@link Reply}, {@link NoReply} or {@link Stop}. */
public sealed interface CallResult<S> permits Reply, NoReply, Stop {}
