package dev.molt;

import java.util.List;

/**
 * A load that has been read, defined and linked but not switched in: the opaque result of
 * {@link CodeServer#prepare}, to give to {@link CodeServer#finish}. Dropping it changes nothing.
 */
public final class Prepared {
  final List<ModuleVersion> loaded;
  final List<ModuleVersion> relinked;
  final long generation;
  final boolean purgeFirst;

  /** What finish returns, made here so that finish itself only switches. */
  final LoadResult result;

  Prepared(List<ModuleVersion> loaded, List<ModuleVersion> relinked, long generation, boolean purgeFirst) {
    this.loaded = loaded;
    this.relinked = relinked;
    this.generation = generation;
    this.purgeFirst = purgeFirst;
    this.result = new LoadResult(loaded.stream().map(v -> v.info(ModuleInfo.Status.CURRENT)).toList(),
        relinked.stream().map(v -> v.info(ModuleInfo.Status.CURRENT)).toList());
  }

  List<ModuleVersion> all() {
    List<ModuleVersion> all = new java.util.ArrayList<>(loaded);
    all.addAll(relinked);
    return all;
  }

  /**
   * The class of that name in one of the versions this load brings, defined (and linked) but not
   * current until the load is finished or committed: how an upgrade calls into its new code
   * before its point of no return.
   */
  public java.util.Optional<Class<?>> findClass(String className) {
    for (ModuleVersion version : all()) {
      Class<?> type = version.loader.ownClass(className);
      if (type != null) {
        return java.util.Optional.of(type);
      }
    }
    return java.util.Optional.empty();
  }

  /** The modules this load brings, as they will be once finished. */
  public List<ModuleInfo> modules() {
    return result.loaded();
  }

  /** The modules that depend on a loaded one and get a relinked version in the same finish. */
  public List<ModuleInfo> relinked() {
    return result.relinked();
  }

  @Override
  public String toString() {
    return "Prepared" + loaded + (relinked.isEmpty() ? "" : " relinking " + relinked);
  }
}
