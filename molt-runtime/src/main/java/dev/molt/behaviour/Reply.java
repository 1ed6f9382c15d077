package dev.molt.behaviour;

/** Reply {@code reply} to the caller and go on with {@code state}. */
public record Reply<S>(Object reply, S state) implements CallResult<S> {}
