#!/bin/sh
# The launcher of release @NAME@: bin/@NAME@ <command> [arguments]; bin/@NAME@ --help lists the
# commands (start, foreground, stop, ping, status, eval, releases, unpack, install, upgrade,
# downgrade, permanent, remove). It runs the molt command line on the newest lib/molt-*/ with the
# release root set to the directory above bin/. It needs a JDK 25 or newer: MOLT_JAVA_HOME, then
# JAVA_HOME, then the usual places and the java on PATH; the newest one found is used.
set -eu

molt_feature() {
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
  fi
}

molt_java() {
  best=""
  best_version=0
  path_java=""
  if command -v java >/dev/null 2>&1; then
    path_java=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
  for candidate in "${MOLT_JAVA_HOME-}" "${JAVA_HOME-}" /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* \
      "${HOME-}"/.sdkman/candidates/java/* "${HOME-}"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$path_java"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    version=$(molt_feature "$candidate")
    [ -n "$version" ] || continue
    if [ -n "${MOLT_JAVA_HOME-}" ] && [ "$candidate" = "$MOLT_JAVA_HOME" ] && [ "$version" -ge 25 ]; then
      best="$candidate"
      break
    fi
    if [ "$version" -ge 25 ] && [ "$version" -gt "$best_version" ]; then
      best="$candidate"
      best_version="$version"
    fi
  done
  printf '%s' "$best"
}

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(dirname "$here")
jdk=$(molt_java)
if [ -z "$jdk" ]; then
  echo "@NAME@: needs a JDK 25 or newer and found none; install one or set MOLT_JAVA_HOME to it" >&2
  exit 1
fi
lib=$(ls -d "$root"/lib/molt-* 2>/dev/null | sort -V | tail -n 1)
if [ -z "$lib" ]; then
  echo "@NAME@: no lib/molt-*/ under $root; is this a release root?" >&2
  exit 1
fi
classpath=$(ls "$lib"/*.jar | tr '\n' ':')
# shellcheck disable=SC2086
exec "$jdk/bin/java" --enable-native-access=ALL-UNNAMED ${MOLT_JVM_OPTIONS-} -Dmolt.root="$root" -Dmolt.command="bin/@NAME@" -cp "$classpath" dev.molt.console.Cli "$@"
