#!/usr/bin/env bash
# octochat, Erlang side: stops the node that start.sh started from OUTDIR.
#
#   bench/erlang/octochat/stop.sh OUTDIR
#
# init:stop() by rpc from a short-lived hidden node; if the node (OUTDIR/node.pid) is still
# alive 10 s later, kills it. Leaves epmd alone.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$(cd "$1" && pwd)
node=octochat@127.0.0.1
pidfile="$out/node.pid"
if [ ! -f "$pidfile" ]; then echo "stop: not running (no $pidfile)"; exit 0; fi
pid=$(cat "$pidfile")
# ours: alive, and an emulator of that node (not another process that got the pid since)
ours() { kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-name $node"; }
if ! ours; then rm -f "$pidfile"; echo "stop: not running (pid $pid is gone)"; exit 0; fi

timeout 15 erl -name "ctl_$$_$RANDOM@127.0.0.1" -setcookie octobench -hidden -noshell -eval "
  R = rpc:call('$node', init, stop, [], 5000),
  R =:= ok orelse io:format(standard_error, \"stop: init:stop() on $node: ~p~n\", [R]),
  halt()." || true
for _ in $(seq 100); do
  ours || break
  sleep 0.1
done
if ours; then
  echo "stop: $node (pid $pid) still alive after 10 s: killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
fi
rm -f "$pidfile"
echo "stopped $node (pid $pid)"
