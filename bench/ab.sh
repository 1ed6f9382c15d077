#!/usr/bin/env bash
# A/B of two builds of molt-bench on this machine, alternating runs so that both see the same
# noise, with Erlang/OTP's side of each figure in the same rounds.
#
#   bench/ab.sh BEFORE.jar AFTER.jar ROUNDS [FIGURE...]
#     FIGURE: call_1client call_4clients swap_pause_us (the default), swap_pause_10k_keys_us,
#             migrate_1m_records_ms, idle_processes_1m,
#             upgrade_100k_processes_ms, install_100k_processes_ms,
#             metaspace_growth_kb_per_1000_reloads, load_module_us (each run as bench/run.sh
#             runs it; install_100k_processes_ms without Erlang's side, which builds releases)
#
# Build a jar with `./mvnw -q -DskipTests -pl molt-bench -am package` at each commit and copy
# molt-bench/target/benchmarks.jar away. Prints one line per run, `RUN <figure> <side> <value>`,
# then `AB <figure> before=<median> after=<median> erlang=<median> after/before=<ratio>`.
# Benchmarks, not tests: they never run in the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { echo "usage: bench/ab.sh BEFORE.jar AFTER.jar ROUNDS [FIGURE...]" >&2; exit 2; }
before=$1 after=$2 rounds=$3
shift 3
figures=("$@")
[ ${#figures[@]} -gt 0 ] || figures=(call_1client call_4clients swap_pause_us)

if ! command -v erl >/dev/null 2>&1; then
  echo "installing Erlang/OTP from Debian's packages..." >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq erlang-base >/dev/null
fi
. .mvn/molt-jdk.sh
java="$JAVA_HOME/bin/java"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
erlc -o "$out" bench/erlang/molt_bench.erl
erl_dir="$PWD/bench/erlang"

value() { sed -n 's/^VALUE //p' | tail -n 1; }
run_molt() {
  case "$1" in
    call_1client) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$2" dev.molt.bench.CallFigure 1 2>/dev/null | value ;;
    call_4clients) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$2" dev.molt.bench.CallFigure 4 2>/dev/null | value ;;
    swap_pause_us) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dkeys=1 -cp "$2" dev.molt.bench.SwapPause 2>/dev/null | value ;;
    swap_pause_10k_keys_us) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dkeys=10000 -cp "$2" dev.molt.bench.SwapPause 2>/dev/null | value ;;
    migrate_1m_records_ms) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$2" dev.molt.bench.MigrateRecords 2>/dev/null | value ;;
    idle_processes_1m) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xmx8g -cp "$2" dev.molt.bench.IdleProcesses 1000000 2>/dev/null | value ;;
    upgrade_100k_processes_ms) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xmx4g -cp "$2" dev.molt.bench.Upgrade100k 100000 2>/dev/null | value ;;
    install_100k_processes_ms) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Xmx4g -cp "$2" dev.molt.bench.InstallBench 100000 2>/dev/null | value ;;
    metaspace_growth_kb_per_1000_reloads) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$2" dev.molt.bench.MetaspaceReloads 2>/dev/null | value ;;
    load_module_us) "$java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$2" dev.molt.bench.LoadModule 2>/dev/null | value ;;
    *) echo "unknown figure: $1" >&2; exit 2 ;;
  esac
}
run_erlang() {
  case "$1" in
    call_1client) erl -noshell -pa "$out" -eval 'molt_bench:main(["call","1"])' -s init stop | value ;;
    call_4clients) erl -noshell -pa "$out" -eval 'molt_bench:main(["call","4"])' -s init stop | value ;;
    swap_pause_us) erl -noshell -pa "$out" -eval "molt_bench:main([\"swap\",\"$erl_dir\",\"1\"])" -s init stop | value ;;
    swap_pause_10k_keys_us) erl -noshell -pa "$out" -eval "molt_bench:main([\"swap\",\"$erl_dir\",\"10000\"])" -s init stop | value ;;
    migrate_1m_records_ms) erl -noshell -pa "$out" -eval 'molt_bench:main(["migrate","1000000"])' -s init stop | value ;;
    idle_processes_1m) erl -noshell +P 2000000 -pa "$out" -eval 'molt_bench:main(["idle","1000000"])' -s init stop | value ;;
    upgrade_100k_processes_ms) erl -noshell +P 2000000 -pa "$out" -eval "molt_bench:main([\"upgrade\",\"$erl_dir\",\"100000\"])" -s init stop | value ;;
    metaspace_growth_kb_per_1000_reloads) erl -noshell -pa "$out" -eval "molt_bench:main([\"code_memory\",\"$erl_dir\"])" -s init stop | value ;;
    load_module_us) erl -noshell -pa "$out" -eval "molt_bench:main([\"load\",\"$erl_dir\"])" -s init stop | value ;;
    *) echo 0 ;;
  esac
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $("$java" -version 2>&1 | head -n 1)" >&2
for f in "${figures[@]}"; do
  : > "$out/$f.before"; : > "$out/$f.after"; : > "$out/$f.erlang"
done
for round in $(seq 1 "$rounds"); do
  for f in "${figures[@]}"; do
    # alternate which build goes first from round to round
    if [ $((round % 2)) = 1 ]; then order="before after"; else order="after before"; fi
    for side in $order; do
      jar=$before; [ "$side" = after ] && jar=$after
      v=$(run_molt "$f" "$jar")
      echo "RUN $f $side $v"
      echo "$v" >> "$out/$f.$side"
    done
    v=$(run_erlang "$f")
    echo "RUN $f erlang $v"
    echo "$v" >> "$out/$f.erlang"
  done
done
for f in "${figures[@]}"; do
  b=$(median < "$out/$f.before"); a=$(median < "$out/$f.after"); e=$(median < "$out/$f.erlang"); e=${e:-0}
  awk -v f="$f" -v b="$b" -v a="$a" -v e="$e" 'BEGIN { printf "AB %s before=%.1f after=%.1f erlang=%.1f after/before=%.3f\n", f, b, a, e, a / b }'
done
