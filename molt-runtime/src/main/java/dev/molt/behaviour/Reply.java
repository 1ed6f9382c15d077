package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** Reply {@code reply} to the caller and go on with {@code state}. */
@API(status = STABLE, since = "0.1")
public record Reply<S>(Object reply, S state) implements CallResult<S> {}
