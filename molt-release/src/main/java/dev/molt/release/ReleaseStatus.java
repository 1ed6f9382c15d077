package dev.molt.release;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** A release on a node, as {@link ReleaseHandler#whichReleases} reports it. */
@API(status = STABLE, since = "0.1")
public record ReleaseStatus(String name, String version, Status status) {
  /**
   * As OTP's {@code release_handler:which_releases/0}. How a release moves between them (any other
   * move is refused with an exception saying why):
   *
   * <pre>
   * status      action                          next status
   * (none)      unpack                          UNPACKED
   * UNPACKED    boot (the only one, none        PERMANENT
   *             permanent yet)
   * UNPACKED    install                         CURRENT (the permanent one stays PERMANENT)
   * OLD         install (downgrade)             CURRENT
   * CURRENT     makePermanent                   PERMANENT (the previous one becomes OLD)
   * CURRENT     install of another release      UNPACKED
   * CURRENT     boot (the node restarted)       UNPACKED
   * PERMANENT   install of it while another     PERMANENT (the other becomes UNPACKED)
   *             is current
   * UNPACKED    remove                          (none)
   * OLD         remove                          (none)
   * PERMANENT   remove                          refused: make another release permanent first
   * CURRENT     remove                          refused: it is running
   * </pre>
   */
  @API(status = STABLE, since = "0.1")
  public enum Status {
    /** Booted when the node starts; also current unless an installed release runs instead. */
    PERMANENT,
    /** Installed and running, not yet made permanent: a restart goes back to the permanent one. */
    CURRENT,
    /** Was permanent once; kept on disk for a downgrade until removed. */
    OLD,
    /**
     * On disk, never installed (or installed and lost with a restart before it was made permanent).
     */
    UNPACKED
  }
}
