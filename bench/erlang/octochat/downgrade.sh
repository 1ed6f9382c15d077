#!/usr/bin/env bash
# octochat, Erlang side: downgrades the running node octochat@127.0.0.1 to release 1, live
# (release 2's relup, down to "1"), and makes 1 permanent.
#
#   bench/erlang/octochat/downgrade.sh OUTDIR
#
# Prints "downgraded to 1 in N ms (install M ms)". See upgrade.sh.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
exec "$(dirname "$0")/upgrade.sh" "$1" 1
