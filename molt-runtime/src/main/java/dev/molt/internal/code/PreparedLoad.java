package dev.molt.internal.code;

import dev.molt.code.LoadResult;
import dev.molt.code.ModuleInfo;
import dev.molt.code.Prepared;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What {@link Preparation} made: new versions, read, defined and linked, that no one sees yet. */
public final class PreparedLoad implements Prepared {
  final List<ModuleVersion> loaded;
  final List<ModuleVersion> relinked;

  /** The table's generation when prepared: a finish after the table moved is refused. */
  final long generation;

  final boolean purgeFirst;

  /** What finish returns, made here so that finish itself only switches. */
  final LoadResult result;

  PreparedLoad(
      List<ModuleVersion> loaded,
      List<ModuleVersion> relinked,
      long generation,
      boolean purgeFirst) {
    this.loaded = loaded;
    this.relinked = relinked;
    this.generation = generation;
    this.purgeFirst = purgeFirst;
    this.result =
        new LoadResult(
            loaded.stream().map(v -> v.info(ModuleInfo.Status.CURRENT)).toList(),
            relinked.stream().map(v -> v.info(ModuleInfo.Status.CURRENT)).toList());
  }

  /** The load behind a {@link Prepared} that the code server returned. */
  public static PreparedLoad of(Prepared prepared) {
    if (prepared instanceof PreparedLoad load) {
      return load;
    }
    throw new IllegalArgumentException(
        (prepared == null ? "null" : prepared.getClass().getName())
            + " is not a load that CodeServer.prepare made");
  }

  List<ModuleVersion> all() {
    List<ModuleVersion> all = new ArrayList<>(loaded);
    all.addAll(relinked);
    return all;
  }

  /**
   * The class of that name in one of the versions this load brings, defined (and linked) but not
   * current until the load is finished or committed: how an upgrade calls into its new code before
   * its point of no return.
   */
  public Optional<Class<?>> findClass(String className) {
    for (ModuleVersion version : all()) {
      Class<?> type = version.loader.ownClass(className);
      if (type != null) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  @Override
  public List<ModuleInfo> modules() {
    return result.loaded();
  }

  @Override
  public List<ModuleInfo> relinked() {
    return result.relinked();
  }

  @Override
  public String toString() {
    return "Prepared" + loaded + (relinked.isEmpty() ? "" : " relinking " + relinked);
  }
}
