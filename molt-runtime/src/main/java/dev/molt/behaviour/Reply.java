package dev.molt.behaviour;

import org.apiguardian.api.API;

import static org.apiguardian.api.API.Status.STABLE;

/** Reply {@code reply} to the caller and go on with {@code state}. */
@API(status = STABLE, since = "0.1")
public record Reply<S>(Object reply, S state) implements CallResult<S> {}
