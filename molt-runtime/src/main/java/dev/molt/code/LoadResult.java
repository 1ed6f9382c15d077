package dev.molt.code;

import java.util.List;

/**
 * What a finished load switched in: the modules loaded and the ones relinked with them. Their
 * processes move to the new code at their next message; see {@link CodeServer#failures}.
 */
public record LoadResult(List<ModuleInfo> loaded, List<ModuleInfo> relinked) {}
