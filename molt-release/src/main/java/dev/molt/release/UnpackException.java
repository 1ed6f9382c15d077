package dev.molt.release;

/** A release tarball that cannot be unpacked: corrupt, tampered with, or escaping the root. Nothing was changed. */
public final class UnpackException extends RuntimeException {
  UnpackException(String message) {
    super(message);
  }

  UnpackException(String message, Throwable cause) {
    super(message, cause);
  }
}
