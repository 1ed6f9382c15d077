package dev.molt.release;

/** A release on a node, as {@link ReleaseHandler#whichReleases} reports it. */
public record ReleaseStatus(String name, String version, Status status) {
  /** As OTP's {@code release_handler:which_releases/0}. */
  public enum Status {
    /** Booted when the node starts; also current unless an installed release runs instead. */
    PERMANENT,
    /** Installed and running, not yet made permanent: a restart goes back to the permanent one. */
    CURRENT,
    /** Was permanent once; kept on disk for a downgrade until removed. */
    OLD,
    /** On disk, never installed (or installed and lost with a restart before it was made permanent). */
    UNPACKED
  }
}
