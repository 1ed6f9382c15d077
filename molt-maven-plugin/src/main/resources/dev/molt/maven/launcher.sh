#!/bin/sh
# The launcher of release @NAME@: bin/@NAME@ <command> [arguments]; bin/@NAME@ --help lists the
# commands (start, foreground, stop, ping, status, eval, releases, unpack, install, upgrade,
# downgrade, permanent, remove). It runs the molt command line on the stable layer of the
# permanent release (the lib/molt-*/ that releases/<vsn>/stable names; the only release's in a root
# not yet booted; else the newest lib/molt-*/) with the release root set to the directory above bin/. It needs a JDK 25 or newer: MOLT_JAVA_HOME if it
# is one, else the newest among JAVA_HOME, the usual places and the java on PATH.
set -eu

@FIND_JDK@

here=$(cd "$(dirname "$0")" && pwd -P)
root=$(dirname "$here")
jdk=$(molt_find_jdk)
if [ -z "$jdk" ]; then
  echo "@NAME@: needs a JDK 25 or newer and found none; install one or set MOLT_JAVA_HOME to it" >&2
  exit 1
fi
lib=""
version=""
if [ -f "$root/releases/RELEASES" ]; then
  version=$(sed -n 's/^ *release \([^ ]*\) permanent *$/\1/p' "$root/releases/RELEASES" | head -n 1)
fi
if [ -z "$version" ] && [ "$(ls -d "$root"/releases/*/ 2>/dev/null | wc -l)" -eq 1 ]; then
  version=$(basename "$(ls -d "$root"/releases/*/)")
fi
if [ -n "$version" ] && [ -f "$root/releases/$version/stable" ]; then
  lib="$root/$(head -n 1 "$root/releases/$version/stable")"
  [ -d "$lib" ] || lib=""
fi
[ -n "$lib" ] || lib=$(ls -d "$root"/lib/molt-* 2>/dev/null | sort -V | tail -n 1)
if [ -z "$lib" ]; then
  echo "@NAME@: no lib/molt-*/ under $root; is this a release root?" >&2
  exit 1
fi
classpath=$(ls "$lib"/*.jar | tr '\n' ':')
# shellcheck disable=SC2086
exec "$jdk/bin/java" --enable-native-access=ALL-UNNAMED ${MOLT_JVM_OPTIONS-} -Dmolt.root="$root" -Dmolt.command="bin/@NAME@" -cp "$classpath" dev.molt.console.Cli "$@"
