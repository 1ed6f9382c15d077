# Sourced by ./mvnw before it picks its java: Molt builds and runs on JDK 25 or newer.
# If JAVA_HOME (or the java on PATH) is older, look for a JDK 25+ where JDKs are usually
# installed and use the newest one found. MOLT_JAVA_HOME, if set, wins over everything.

molt_java_feature() {
  # prints the feature version (17, 25, ...) of the JDK at $1, or nothing
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
  fi
}

molt_find_jdk() {
  set +f # mvnw runs with globbing off; the candidates below are globs
  molt_best=""
  molt_best_version=0
  for molt_candidate in "${MOLT_JAVA_HOME-}" "${JAVA_HOME-}" /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* \
      "${HOME-}"/.sdkman/candidates/java/* "${HOME-}"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$molt_candidate" ] && [ -x "$molt_candidate/bin/javac" ] || continue
    molt_version=$(molt_java_feature "$molt_candidate")
    [ -n "$molt_version" ] || continue
    if [ "$molt_version" -ge 25 ] && [ "$molt_version" -gt "$molt_best_version" ]; then
      molt_best="$molt_candidate"
      molt_best_version="$molt_version"
    fi
    if [ -n "${MOLT_JAVA_HOME-}" ] && [ "$molt_candidate" = "$MOLT_JAVA_HOME" ] && [ "$molt_version" -ge 25 ]; then
      break
    fi
  done
  set -f
  printf '%s' "$molt_best"
}

molt_current=""
if [ -n "${MOLT_JAVA_HOME-}" ]; then
  molt_current=""
elif [ -n "${JAVA_HOME-}" ]; then
  molt_current="$JAVA_HOME"
elif command -v java >/dev/null 2>&1; then
  molt_current=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
molt_current_version=0
[ -z "$molt_current" ] || molt_current_version=$(molt_java_feature "$molt_current")
if [ "${molt_current_version:-0}" -lt 25 ]; then
  molt_jdk=$(molt_find_jdk)
  if [ -z "$molt_jdk" ]; then
    echo "Molt needs a JDK 25 or newer and found none (JAVA_HOME=${JAVA_HOME-unset}, default java ${molt_current_version:-missing})." >&2
    echo "Install one (for example Temurin 25 under /usr/lib/jvm) or point MOLT_JAVA_HOME at it." >&2
    exit 1
  fi
  JAVA_HOME="$molt_jdk"
  export JAVA_HOME
fi

# Maven's own Guice still calls sun.misc.Unsafe, which JDK 24+ warns about on every build.
MAVEN_OPTS="${MAVEN_OPTS-} --sun-misc-unsafe-memory-access=allow"
export MAVEN_OPTS
