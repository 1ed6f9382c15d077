#!/usr/bin/env bash
# A deploy as its users feel it: octochat with chat clients and HTTP load, deployed three ways.
#
#   bench/deploy.sh [--clients N] [--runs N] [--before S] [--after S] [--kinds "live restart erlang"]
#                   (defaults: 1000 clients, 3 runs, 10 s before each deploy (6 at least), 20 s after, all kinds)
#
# Each run deploys octochat 1.0.0 -> 1.1.0 three times, each time on a fresh node, while N TCP chat
# clients in rooms of 10 each say a line every 500 ms and an HTTP client GETs /rooms 100 times a
# second (molt-bench's DeployLoad):
#   live     Molt: bin/octochat upgrade octochat-1.1.0.tar.gz (a relup, clients stay connected)
#   restart  Molt: bin/octochat stop on 1.0.0, then bin/octochat start on 1.1.0 extracted beside it;
#            clients reconnect with exponential backoff (100 ms doubling to 3.2 s, full jitter),
#            join their room again and send what they could not meanwhile
#   erlang   Erlang/OTP: the same server written in Erlang (bench/erlang/octochat), a target system
#            built with systools, upgraded by release_handler (unpack, install, make permanent)
#
# For each figure it prints the median over the runs:
#   RESULT deploy_<figure> live=<v> restart=<v> erlang=<v>
# figures: dropped (connections), lost (lines x members that missed them), failed_http (requests),
# gap_ms (longest time a client went without a line, from 2 s before the deploy), recovery_ms (from
# the deploy's start to the end of the last second, up to 10 s after the deploy's end and while the
# clients still talk, in which fewer lines were delivered than 95% of a second's worth in the 5 s
# before the deploy; give --after 10 or more to see all of it).
# Installs Debian's erlang-base if missing. A benchmark, not a test: never in the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

clients=1000 runs=3 before=10 after=20 kinds="live restart erlang"
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --before) before=$2; shift 2 ;;
    --after) after=$2; shift 2 ;;
    --kinds) kinds=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

[ "$before" -ge 6 ] 2>/dev/null || { echo "--before $before: give at least 6 s, the 5 s before the deploy are its baseline" >&2; exit 2; }

if ! command -v erl >/dev/null 2>&1; then
  echo "installing Erlang/OTP from Debian's packages..." >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq erlang-base >/dev/null
fi

echo "building octochat and molt-bench..." >&2
./mvnw -q -DskipTests -pl examples/octochat,molt-bench -am package >&2
. .mvn/molt-jdk.sh
java="$JAVA_HOME/bin/java"
jar=$repo/molt-bench/target/benchmarks.jar
v1=$repo/examples/octochat/target/octochat-1.0.0.tar.gz
v2=$repo/examples/octochat/target/octochat-1.1.0.tar.gz

work=$(mktemp -d)
# each node started appends the command that stops it (the deploys run in subshells)
cleanup() {
  [ ! -f "$work/stops" ] || while IFS= read -r stop; do eval "$stop" >/dev/null 2>&1 || true; done <"$work/stops"
  rm -rf "$work"
}
started() { printf '%s\n' "$@" >>"$work/stops"; }
trap cleanup EXIT

in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port() {
  local p=$1
  while in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}
tcp=$(port 14040)
http=$(port $((tcp + 40)))
export MOLT_CONFIG_OCTOCHAT_PORT=$tcp MOLT_CONFIG_OCTOCHAT_HTTP_PORT=$http
export OCTOCHAT_PORT=$tcp OCTOCHAT_HTTP_PORT=$http

# load ARGS... -- DEPLOY COMMAND...: the DEPLOY line of DeployLoad; its deliveries per 500 ms
# around the deploy go to stderr
load() {
  "$java" -cp "$jar" dev.molt.bench.DeployLoad --tcp "$tcp" --http "$http" --clients "$clients" \
    --before "$before" --after "$after" --trace "$@" 2>"$work/load.err" | sed -n 's/^DEPLOY //p' | tail -n 1
  grep '^deliveries per' "$work/load.err" | sed 's/^/    /' >&2 || true
}

live() {
  local root=$work/live-$1
  mkdir -p "$root" && tar xzf "$v1" -C "$root"
  "$root/bin/octochat" start >/dev/null
  started "'$root/bin/octochat' stop"
  load -- "$root/bin/octochat" upgrade "$v2"
  "$root/bin/octochat" stop >/dev/null
}

restart() {
  local old=$work/restart-$1/old new=$work/restart-$1/new
  mkdir -p "$old" "$new" && tar xzf "$v1" -C "$old" && tar xzf "$v2" -C "$new"
  "$old/bin/octochat" start >/dev/null
  started "'$old/bin/octochat' stop" "'$new/bin/octochat' stop"
  load --reconnect -- sh -c "'$old/bin/octochat' stop && '$new/bin/octochat' start"
  "$new/bin/octochat" stop >/dev/null
}

erlang() {
  local dir=$work/erlang-$1
  bench/erlang/octochat/build.sh "$dir" >/dev/null
  bench/erlang/octochat/start.sh "$dir" >/dev/null
  started "bench/erlang/octochat/stop.sh '$dir'"
  load -- bench/erlang/octochat/upgrade.sh "$dir"
  bench/erlang/octochat/stop.sh "$dir" >/dev/null
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $("$java" -version 2>&1 | head -n 1), $(erl -noshell -eval 'io:format("Erlang/OTP ~s", [erlang:system_info(otp_release)]), halt().')" >&2
results=$work/results
: >"$results"
for run in $(seq 1 "$runs"); do
  for kind in $kinds; do
    echo "run $run of $runs: $kind deploy, $clients clients..." >&2
    line=$("$kind" "$run")
    [ -n "$line" ] || { echo "the $kind deploy gave no figures:" >&2; cat "$work/load.err" >&2; exit 1; }
    echo "  $kind: $line" >&2
    echo "$kind $line" >>"$results"
  done
done

# median KIND FIGURE
median() {
  sed -n "s/^$1 .*\b$2=\([-0-9.]*\).*/\1/p" "$results" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
for figure in dropped lost failed_http gap_ms recovery_ms; do
  line="RESULT deploy_$figure"
  for kind in live restart erlang; do
    case " $kinds " in *" $kind "*) line="$line $kind=$(median "$kind" "$figure")" ;; esac
  done
  echo "$line"
done
