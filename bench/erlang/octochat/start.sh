#!/usr/bin/env bash
# octochat, Erlang side: boots the target system that build.sh laid out in OUTDIR/root.
#
#   OCTOCHAT_PORT=4040 OCTOCHAT_HTTP_PORT=4080 bench/erlang/octochat/start.sh OUTDIR
#
# Boots the release named in OUTDIR/root/releases/start_erl.data (release 1 after a build;
# release_handler:make_permanent changes it) with the target system's erts, as the distributed
# node octochat@127.0.0.1 (cookie octobench), in its own session, in the background: its pid
# in OUTDIR/node.pid, its output appended to OUTDIR/node.log. Returns once both ports listen
# (30 s at most, else the node is killed and the script fails).
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$(cd "$1" && pwd)
root="$out/root"
node=octochat@127.0.0.1
[ -f "$root/releases/start_erl.data" ] || { echo "start: no target system in $root (run build.sh)" >&2; exit 1; }
if [ -f "$out/node.pid" ] && kill -0 "$(cat "$out/node.pid")" 2>/dev/null; then
  echo "start: already running (pid $(cat "$out/node.pid"))" >&2
  exit 1
fi
export OCTOCHAT_PORT=${OCTOCHAT_PORT:-4040}
export OCTOCHAT_HTTP_PORT=${OCTOCHAT_HTTP_PORT:-4080}

# listen_inodes PORT: the inodes of the sockets listening on TCP port PORT.
listen_inodes() {
  local hex
  hex=$(printf '%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
    awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }'
}
# listening PID PORT: whether process PID has a socket listening on PORT.
listening() {
  local inode
  for inode in $(listen_inodes "$2"); do
    if ls -l "/proc/$1/fd" 2>/dev/null | grep -q "socket:\[$inode\]"; then return 0; fi
  done
  return 1
}
for port in "$OCTOCHAT_PORT" "$OCTOCHAT_HTTP_PORT"; do
  if [ -n "$(listen_inodes "$port")" ]; then
    echo "start: port $port is already in use" >&2
    exit 1
  fi
done

# "ERTS_VSN REL_VSN", written by build.sh, rewritten (without a newline) by make_permanent
read -r erts_vsn rel_vsn < "$root/releases/start_erl.data" || true
[ -n "${rel_vsn:-}" ] || { echo "start: bad $root/releases/start_erl.data" >&2; exit 1; }
bindir="$root/erts-$erts_vsn/bin"
# 20,000 connections want as many file descriptors as the hard limit allows.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then ulimit -n 1048576 2>/dev/null || true; else ulimit -n "$hard" 2>/dev/null || true; fi
setsid=$(command -v setsid || true)

# setsid does not fork here (a background job of a script is no process group leader), and
# erlexec execs the emulator: $! is the node's pid.
ROOTDIR="$root" BINDIR="$bindir" EMU=beam PROGNAME=erl $setsid "$bindir/erlexec" \
  +P 2000000 -noshell -noinput \
  -boot "$root/releases/$rel_vsn/start" -sasl releases_dir "\"$root/releases\"" \
  -name "$node" -setcookie octobench \
  </dev/null >>"$out/node.log" 2>&1 &
pid=$!
echo "$pid" > "$out/node.pid"

deadline=$((SECONDS + 30))
until listening "$pid" "$OCTOCHAT_PORT" && listening "$pid" "$OCTOCHAT_HTTP_PORT"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$out/node.pid"
    echo "start: the node exited; the end of $out/node.log:" >&2
    tail -n 30 "$out/node.log" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$out/node.pid"
    echo "start: port $OCTOCHAT_PORT not listening after 30 s; node killed; see $out/node.log" >&2
    exit 1
  fi
  sleep 0.1
done
echo "started $node (pid $pid, release $rel_vsn, tcp $OCTOCHAT_PORT, http $OCTOCHAT_HTTP_PORT)"
