package dev.molt.release;

import org.apiguardian.api.API;

import static org.apiguardian.api.API.Status.STABLE;

/** A release tarball that cannot be unpacked: corrupt, tampered with, or escaping the root. Nothing was changed. */
@API(status = STABLE, since = "0.1")
public final class UnpackException extends RuntimeException {
  UnpackException(String message) {
    super(message);
  }

  UnpackException(String message, Throwable cause) {
    super(message, cause);
  }
}
