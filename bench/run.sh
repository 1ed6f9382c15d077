#!/usr/bin/env bash
# Molt against Erlang/OTP, side by side, in one run on this machine.
#
#   bench/run.sh [FIGURE...]      (default: all figures)
#     call_1client call_4clients idle_processes_1m
#     swap_pause_us swap_pause_10k_keys_us upgrade_100k_processes_ms install_100k_processes_ms
#     install_1m_idle_processes_ms
#     metaspace_growth_kb_per_1000_reloads load_module_us migrate_1m_records_ms
#     call_p99_us call_p999_us (4 clients)
#     call_1client_busy call_4clients_busy swap_pause_busy_us call_p99_busy_us call_p999_busy_us
#     sup_terminate_10k_children_ms
#
# A *_busy figure runs one competing busy process (sh -c 'while :; do :; done') for the whole
# measurement of each side, started before and killed after it: a machine where another process
# takes a core.
#
# For each figure it prints one line:
#   RESULT <figure> molt=<value> erlang=<value> ratio=<times better>
# The ratio always reads "times better than Erlang": molt/erlang where more is better,
# erlang/molt where less is better. Installs Debian's erlang-base and elixir if missing.
# Benchmarks, not tests: they never run in the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

all=(call_1client call_4clients idle_processes_1m swap_pause_us swap_pause_10k_keys_us
  upgrade_100k_processes_ms install_100k_processes_ms install_1m_idle_processes_ms
  metaspace_growth_kb_per_1000_reloads load_module_us
  migrate_1m_records_ms call_p99_us call_p999_us
  call_1client_busy call_4clients_busy swap_pause_busy_us call_p99_busy_us call_p999_busy_us
  sup_terminate_10k_children_ms)
figures=("$@")
[ ${#figures[@]} -gt 0 ] || figures=("${all[@]}")
for f in "${figures[@]}"; do
  case " ${all[*]} " in *" $f "*) ;; *) echo "unknown figure: $f (known: ${all[*]})" >&2; exit 2 ;; esac
done

if ! command -v erl >/dev/null 2>&1; then
  echo "installing Erlang/OTP and Elixir from Debian's packages..." >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq erlang-base elixir >/dev/null
fi

echo "building molt-bench..." >&2
./mvnw -q -DskipTests -pl molt-bench -am package >&2
. .mvn/molt-jdk.sh
java="$JAVA_HOME/bin/java"
jar=molt-bench/target/benchmarks.jar
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
erlc -o "$out" bench/erlang/molt_bench.erl
erl_dir="$PWD/bench/erlang"

value() { sed -n 's/^VALUE //p' | tail -n 1; }
# Passes its input on and shows it on stderr as well (tee /dev/stderr would truncate a redirected log).
shown() { while IFS= read -r line; do printf '%s\n' "$line" >&2; printf '%s\n' "$line"; done; }
molt() { "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$@" 2>/dev/null | value; }
erlang() { erl -noshell +P 2000000 -pa "$out" -eval "molt_bench:main([$1])" -s init stop | value; }

# busy COMMAND...: runs COMMAND with one competing busy process running, killed after it.
busy() {
  sh -c 'while :; do :; done' &
  local spinner=$!
  "$@" || true
  kill "$spinner"
  wait "$spinner" 2>/dev/null || true
}

# result FIGURE MOLT ERLANG higher|lower
# A ratio needs two positive figures: a growth of 0 (or less) on either side prints ratio=n/a.
result() {
  awk -v f="$1" -v m="$2" -v e="$3" -v better="$4" 'BEGIN {
    if (m <= 0 || e <= 0) { printf "RESULT %s molt=%.1f erlang=%.1f ratio=n/a\n", f, m, e; exit }
    r = (better == "higher") ? m / e : e / m
    printf "RESULT %s molt=%.1f erlang=%.1f ratio=%.2f\n", f, m, e, r }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $("$java" -version 2>&1 | head -n 1), $(erl -noshell -eval 'io:format("Erlang/OTP ~s", [erlang:system_info(otp_release)]), halt().')" >&2
for f in "${figures[@]}"; do
  echo "running $f..." >&2
  # a *_busy figure is its plain figure, each side measured under `busy`
  base=${f/_busy/}
  on=""
  [ "$base" = "$f" ] || on=busy
  case "$base" in
    call_1client)
      result "$f" "$($on molt -cp "$jar" dev.molt.bench.CallFigure 1)" "$($on erlang '"call","1"')" higher ;;
    call_4clients)
      result "$f" "$($on molt -cp "$jar" dev.molt.bench.CallFigure 4)" "$($on erlang '"call","4"')" higher ;;
    idle_processes_1m)
      result "$f" "$(molt -Xmx8g -cp "$jar" dev.molt.bench.IdleProcesses 1000000)" "$(erlang '"idle","1000000"')" lower ;;
    swap_pause_us)
      result "$f" "$($on molt -Dkeys=1 -cp "$jar" dev.molt.bench.SwapPause)" \
        "$($on erlang "\"swap\",\"$erl_dir\",\"1\"")" lower ;;
    swap_pause_10k_keys_us)
      result "$f" "$(molt -Dkeys=10000 -cp "$jar" dev.molt.bench.SwapPause)" \
        "$(erlang "\"swap\",\"$erl_dir\",\"10000\"")" lower ;;
    upgrade_100k_processes_ms)
      result "$f" "$(molt -Xmx4g -cp "$jar" dev.molt.bench.Upgrade100k 100000)" \
        "$(erlang "\"upgrade\",\"$erl_dir\",\"100000\"")" lower ;;
    install_100k_processes_ms)
      # Erlang side: a target system built with systools and upgraded by release_handler:install_release
      # (bench/erlang/release). Each side shows its three installs (up, down, up) with the longest
      # call its client saw; the figure is the median total.
      result "$f" "$("$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xmx4g -cp "$jar" \
          dev.molt.bench.InstallBench 100000 2>/dev/null | shown | value)" \
        "$(bench/erlang/release/release_handler.sh 100000 | shown | value)" lower ;;
    install_1m_idle_processes_ms)
      # as install_100k_processes_ms with 1,000,000 workers and no client: idle processes; the Erlang
      # side takes minutes (release_handler suspends, changes and resumes them one at a time)
      result "$f" "$("$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dclient=false -Xmx8g \
          -cp "$jar" dev.molt.bench.InstallBench 1000000 2>/dev/null | shown | value)" \
        "$(RH_CLIENT=false bench/erlang/release/release_handler.sh 1000000 | shown | value)" lower ;;
    metaspace_growth_kb_per_1000_reloads)
      result "$f" "$(molt -cp "$jar" dev.molt.bench.MetaspaceReloads)" "$(erlang "\"code_memory\",\"$erl_dir\"")" lower ;;
    load_module_us)
      result "$f" "$(molt -cp "$jar" dev.molt.bench.LoadModule)" "$(erlang "\"load\",\"$erl_dir\"")" lower ;;
    call_p99_us)
      result "$f" "$($on molt -cp "$jar" dev.molt.bench.CallLatency 4 99)" \
        "$($on erlang '"latency","4","99.0"')" lower ;;
    call_p999_us)
      result "$f" "$($on molt -cp "$jar" dev.molt.bench.CallLatency 4 99.9)" \
        "$($on erlang '"latency","4","99.9"')" lower ;;
    sup_terminate_10k_children_ms)
      # each side shows its rounds: 1,000 and 10,000 children terminated one by one, and the scaling
      result "$f" "$("$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$jar" \
          dev.molt.bench.SupervisorScale 2>/dev/null | shown | value)" \
        "$(erl -noshell -pa "$out" -eval 'molt_bench:main(["sup_scale"])' -s init stop | shown | value)" lower ;;
    migrate_1m_records_ms)
      # Erlang side: a code_change that rebuilds 1,000,000 {entry, K, V} tuples as {entry, K, V, 0}
      result "$f" "$(molt -cp "$jar" dev.molt.bench.MigrateRecords)" "$(erlang '"migrate","1000000"')" lower ;;
  esac
done
