package dev.molt.code;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import org.apiguardian.api.API;

/**
 * A load that has been read, defined and linked but not switched in: the opaque result of {@link
 * CodeServer#prepare}, to give to {@link CodeServer#finish}. Dropping it changes nothing. Only the
 * code server makes one.
 */
@API(status = STABLE, since = "0.1")
public interface Prepared {
  /** The modules this load brings, as they will be once finished. */
  List<ModuleInfo> modules();

  /** The modules that depend on a loaded one and get a relinked version in the same finish. */
  List<ModuleInfo> relinked();
}
