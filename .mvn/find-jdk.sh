# Finds a JDK 25 or newer: the one place that knows how, for the build (./mvnw sources it through
# .mvn/molt-jdk.sh) and for every release's launcher (bin/<name>, which the Maven plugin writes
# with this file inside it). A JDK, not a JRE: a node compiles (the console's c and r, eval).
#
#   molt_find_jdk   prints the JDK to use, or nothing: MOLT_JAVA_HOME if it is a JDK 25+, else the
#                   newest JDK 25+ among JAVA_HOME, the usual install places and the java on PATH.

molt_jdk_feature() {
  # prints the feature version (17, 25, ...) of the JDK at $1, or nothing
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
  fi
}

molt_find_jdk() {
  molt_globbing_was_off=false
  case $- in *f*) molt_globbing_was_off=true ;; esac
  set +f # the candidates below are globs
  molt_best=""
  molt_best_version=0
  molt_path_java=""
  if command -v java >/dev/null 2>&1; then
    molt_path_java=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
  for molt_candidate in "${MOLT_JAVA_HOME-}" "${JAVA_HOME-}" /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* \
      "${HOME-}"/.sdkman/candidates/java/* "${HOME-}"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
      "$molt_path_java"; do
    [ -n "$molt_candidate" ] && [ -x "$molt_candidate/bin/javac" ] || continue
    molt_version=$(molt_jdk_feature "$molt_candidate")
    [ -n "$molt_version" ] || continue
    if [ -n "${MOLT_JAVA_HOME-}" ] && [ "$molt_candidate" = "$MOLT_JAVA_HOME" ] && [ "$molt_version" -ge 25 ]; then
      molt_best="$molt_candidate"
      break
    fi
    if [ "$molt_version" -ge 25 ] && [ "$molt_version" -gt "$molt_best_version" ]; then
      molt_best="$molt_candidate"
      molt_best_version="$molt_version"
    fi
  done
  if $molt_globbing_was_off; then
    set -f
  fi
  printf '%s' "$molt_best"
}
