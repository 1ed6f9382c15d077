package dev.molt.behaviour;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * What {@code handleInfo} gets when a callback returned {@link Next#timeout(Duration)} and no
 * message came within {@code after}: OTP's {@code timeout} message.
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record IdleTimeout(Duration after) {}
