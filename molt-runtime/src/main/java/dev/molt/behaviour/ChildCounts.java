package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * What {@link Supervisor#countChildren} reports, as OTP's {@code count_children}.
 *
 * @param specs the child specs: every static child, running or not; 1 for a {@code
 *     SIMPLE_ONE_FOR_ONE} supervisor, whose one spec is the template of all its children
 * @param active the children running now
 * @param supervisors the children of type supervisor (specs for a static supervisor, children for a
 *     {@code SIMPLE_ONE_FOR_ONE} one), running or not
 * @param workers the same for workers
 */
@API(status = STABLE, since = "0.1")
public record ChildCounts(int specs, int active, int supervisors, int workers) {}
