/**
 * The node's control channel, the node's main class and the {@code molt} command line.
 *
 * <p>Only {@code dev.molt.console} is exported, with its two entry points: {@code Cli}, the command
 * line behind each release's {@code bin/<name>}, and {@code Node}, the node's main class. The
 * control channel, the console and their commands are package-private.
 */
@SuppressWarnings(
    "requires-automatic") // picocli and JLine ship no module-info; their names are their own
module dev.molt.console {
  requires transitive dev.molt.release;
  requires org.slf4j;
  requires info.picocli;
  requires jdk.jshell;
  requires java.compiler;
  requires org.jline;
  requires org.apache.commons.io;
  requires jdk.net;
  requires static org.apiguardian.api;
  requires static ch.qos.logback.classic;
  requires static ch.qos.logback.core;

  exports dev.molt.console;

  opens dev.molt.console to
      info.picocli;
}
