package dev.molt.code;

import java.util.List;

/**
 * A load that has been read, defined and linked but not switched in: the opaque result of
 * {@link CodeServer#prepare}, to give to {@link CodeServer#finish}. Dropping it changes nothing.
 * Only the code server makes one.
 */
public interface Prepared {
  /** The modules this load brings, as they will be once finished. */
  List<ModuleInfo> modules();

  /** The modules that depend on a loaded one and get a relinked version in the same finish. */
  List<ModuleInfo> relinked();
}
