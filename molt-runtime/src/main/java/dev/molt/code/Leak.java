package dev.molt.code;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * A purged module version whose class loader is still reachable after a GC, and what most likely
 * holds it: a live thread running its code or carrying it as context class loader, a {@code
 * ThreadLocal} value, a JDBC driver, a shutdown hook, or — when none of those is found — a static
 * cache outside the module.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Leak(String module, int version, List<String> holders) {}
