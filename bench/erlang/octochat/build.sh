#!/usr/bin/env bash
# octochat, Erlang side: builds releases "1" (1.0.0) and "2" (1.1.0) of the octochat application
# and lays out a target system booting release 1.
#
#   bench/erlang/octochat/build.sh OUTDIR
#
# Compiles src/*.erl twice (-DVSN=1, -DVSN=2) into OUTDIR/build/lib/octochat-{1,2}/ebin, writes
# the .app files, release 2's appup (up from "1", down to "1"), the .rel files, and runs
# systools make_script, make_relup and make_tar (release 1's tarball with erts). Then lays out
# OUTDIR/root from release 1's tarball, with release 2's tarball in OUTDIR/root/releases/ (for
# release_handler:unpack_release("octochat-2")), an empty relup for release 1, RELEASES
# (release_handler:create_RELEASES) and releases/start_erl.data. Prints "built OUTDIR/root".
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
if [ -f "$out/node.pid" ] && kill -0 "$(cat "$out/node.pid")" 2>/dev/null; then
  echo "build: a node of $out is running (pid $(cat "$out/node.pid")): stop it first" >&2
  exit 1
fi
build="$out/build"
root="$out/root"
rm -rf "$build" "$root" "$out/node.log"
mkdir -p "$build"

read -r erts_vsn kernel stdlib sasl < <(erl -noshell -eval '
  V = fun(A) -> application:load(A), {ok, Vsn} = application:get_key(A, vsn), Vsn end,
  io:format("~s ~s ~s ~s~n", [erlang:system_info(version), V(kernel), V(stdlib), V(sasl)]),
  halt().')

for v in 1 2; do
  ebin="$build/lib/octochat-$v/ebin"
  mkdir -p "$ebin"
  erlc -DVSN="$v" -o "$ebin" "$here"/src/*.erl
  cat > "$ebin/octochat.app" <<APP
{application, octochat,
 [{description, "octochat: a chat server with rooms"},
  {vsn, "$v"},
  {modules, [octochat_app, octochat_sup, octochat_rooms, octochat_room, octochat_conn,
             octochat_listener, octochat_http]},
  {registered, [octochat_sup, octochat_rooms, octochat_room_sup, octochat_conn_sup,
                octochat_http_sup, octochat_tcp_listener, octochat_http_listener]},
  {applications, [kernel, stdlib, sasl]},
  {mod, {octochat_app, []}},
  {env, [{port, 4040}, {http_port, 4080}, {acceptors, 8}, {max_connections, 20000}]}]}.
APP
  cat > "$build/octochat-$v.rel" <<REL
{release, {"octochat", "$v"}, {erts, "$erts_vsn"},
 [{kernel, "$kernel"}, {stdlib, "$stdlib"}, {sasl, "$sasl"}, {octochat, "$v"}]}.
REL
done

# Changed in 2: octochat_room (state, timestamps, who), octochat_conn (/who), octochat_http
# (/rooms/NAME); octochat_app, octochat_sup, octochat_rooms and octochat_listener are the same.
# The dependencies on octochat_room put all three in one group: every connection and every room
# is suspended (connections first: a connection may be calling its room, a room never calls a
# connection), all three modules are loaded, the states changed, then all resumed. Down, the
# rooms' code_change({down, "1"}, ...) runs in version 2's code, before version 1's is loaded.
cat > "$build/lib/octochat-2/ebin/octochat.appup" <<'APPUP'
{"2",
 [{"1", [{update, octochat_conn, {advanced, []}, [octochat_room]},
         {update, octochat_room, {advanced, []}},
         {load_module, octochat_http, [octochat_room]}]}],
 [{"1", [{update, octochat_conn, {advanced, []}, [octochat_room]},
         {update, octochat_room, {advanced, []}},
         {load_module, octochat_http, [octochat_room]}]}]}.
APPUP

cd "$build"
erl -noshell -eval "
  P1 = [\"$build/lib/octochat-1/ebin\"], P2 = [\"$build/lib/octochat-2/ebin\"],
  Check = fun(_, ok) -> ok; (_, {ok, _, _}) -> ok; (_, {ok, _, _, _}) -> ok;
             (What, Error) -> io:format(standard_error, \"build: ~s failed: ~p~n\", [What, Error]), halt(1)
          end,
  Check(\"make_script 1\", systools:make_script(\"octochat-1\", [{path, P1}, silent])),
  %% release_handler reads the relup of the release it installs first, also for a downgrade:
  %% release 1 has none of its own, so give it an empty one (make_tar takes ./relup).
  ok = file:write_file(\"relup\", <<\"{\\\"1\\\", [], []}.\n\">>),
  Check(\"make_tar 1\", systools:make_tar(\"octochat-1\", [{path, P1}, {erts, code:root_dir()}, silent])),
  Check(\"make_script 2\", systools:make_script(\"octochat-2\", [{path, P2}, silent])),
  Check(\"make_relup\", systools:make_relup(\"octochat-2\", [\"octochat-1\"], [\"octochat-1\"],
                                          [{path, P1 ++ P2}, silent])),
  Check(\"make_tar 2\", systools:make_tar(\"octochat-2\", [{path, P2}, silent])),
  halt()."

mkdir -p "$root"
tar xzf octochat-1.tar.gz -C "$root"
cp octochat-2.tar.gz "$root/releases/"
echo '{"1", [], []}.' > "$root/releases/1/relup"
erl -noshell -eval "
  case release_handler:create_RELEASES(\"$root\", \"$root/releases\", \"$root/releases/1/octochat-1.rel\", []) of
    ok -> halt();
    Error -> io:format(standard_error, \"build: create_RELEASES failed: ~p~n\", [Error]), halt(1)
  end."
echo "$erts_vsn 1" > "$root/releases/start_erl.data"
echo "built $root"
