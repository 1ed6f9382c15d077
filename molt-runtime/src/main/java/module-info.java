/**
 * The Molt runtime.
 *
 * <ul>
 *   <li>{@code dev.molt}: processes on virtual threads, pids, refs, exit reasons, links and
 *       monitors, the registry and timers;
 *   <li>{@code dev.molt.behaviour}: {@code GenServer}, {@code Supervisor} and applications;
 *   <li>{@code dev.molt.code}: the code server, module sources and versions, value migration;
 *   <li>{@code dev.molt.sys}: system messages to one process ({@code Sys}).
 * </ul>
 *
 * <p>These four are the API. Everything under {@code dev.molt.internal} is not: only the upgrade
 * primitives are exported, and only to the Molt modules that install releases and run the console.
 */
@SuppressWarnings("module") // the qualified export names modules built after this one
module dev.molt.runtime {
  requires org.slf4j;
  requires java.compiler;
  requires java.sql;
  requires static transitive org.apiguardian.api;

  exports dev.molt;
  exports dev.molt.behaviour;
  exports dev.molt.code;
  exports dev.molt.sys;
  exports dev.molt.internal.upgrade to
      dev.molt.release,
      dev.molt.console;
  exports dev.molt.internal.compiler to
      dev.molt.console;
}
