package dev.molt.release;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A release tarball that cannot be unpacked: corrupt, tampered with, or escaping the root. Nothing
 * was changed.
 */
@API(status = STABLE, since = "0.1")
public final class UnpackException extends RuntimeException {
  UnpackException(String message) {
    super(message);
  }

  UnpackException(String message, Throwable cause) {
    super(message, cause);
  }
}
