# Sourced by ./mvnw before it picks its java: Molt builds and runs on JDK 25 or newer. If
# JAVA_HOME (or the java on PATH) is older, use the JDK that molt_find_jdk finds: the same
# search every release's launcher makes (.mvn/find-jdk.sh, which the Maven plugin writes into each
# launcher). MOLT_JAVA_HOME, if set, wins over everything. Both files travel with .mvn: a project
# outside this repository that copies mvnw and .mvn gets the same search.

# molt_root: the project, set by ./mvnw; the bench scripts source this from the repository itself
. "${molt_root:-.}/.mvn/find-jdk.sh"

molt_current=""
if [ -n "${MOLT_JAVA_HOME-}" ]; then
  molt_current=""
elif [ -n "${JAVA_HOME-}" ]; then
  molt_current="$JAVA_HOME"
elif command -v java >/dev/null 2>&1; then
  molt_current=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
molt_current_version=0
[ -z "$molt_current" ] || [ ! -x "$molt_current/bin/javac" ] || molt_current_version=$(molt_jdk_feature "$molt_current")
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
