/**
 * Releases: the release descriptor, appup and relup text formats, the relup generator, and the
 * release handler that unpacks, installs, makes permanent and downgrades releases on a node.
 *
 * <p>Only {@code dev.molt.release} is exported: what a user, a build tool such as the Maven plugin,
 * or the node's console calls. Implementation classes are package-private.
 */
module dev.molt.release {
  requires transitive dev.molt.runtime;
  requires org.slf4j;
  requires org.apache.commons.compress;
  requires org.apache.commons.io;
  requires static org.apiguardian.api;

  exports dev.molt.release;
}
