package dev.molt.code;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What a finished load switched in: the modules loaded and the ones relinked with them. Their
 * processes move to the new code at their next message; see {@link CodeServer#failures}.
 */
@API(status = STABLE, since = "0.1")
public record LoadResult(List<ModuleInfo> loaded, List<ModuleInfo> relinked) {}
