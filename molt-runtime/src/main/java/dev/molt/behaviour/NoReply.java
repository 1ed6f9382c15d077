package dev.molt.behaviour;

/**
 * Go on with {@code state} without replying now. From {@code handleCall} this defers the reply:
 * keep the {@link From} and answer later with {@link GenServer#reply(From, Object)}.
 */
public record NoReply<S>(S state) implements CallResult<S>, CastResult<S> {}
