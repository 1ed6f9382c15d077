package dev.molt.console;

/**
 * Where the control channel makes its threads: virtual ones for listeners and sessions (they block
 * on sockets), named so that a thread dump says what each is. They are not Molt processes: the
 * channel serves the node from outside its process tree.
 */
final class ControlThreads {
  private ControlThreads() {}

  static Thread start(String name, Runnable body) {
    return Thread.ofVirtual().name(name).start(body);
  }
}
