/**
 * The Molt runtime: processes on virtual threads, links and monitors, the registry, timers,
 * and the OTP behaviours {@code GenServer}, {@code Supervisor} and {@code Application}.
 *
 * <p>Only {@code dev.molt} is exported. Implementation classes are package-private.
 */
module dev.molt.runtime {
  requires org.slf4j;
  requires java.compiler;
  requires java.sql;

  exports dev.molt;
}
