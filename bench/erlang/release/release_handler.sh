#!/usr/bin/env bash
# install_100k_processes_ms, Erlang side: a real target system and release_handler.
#
#   bench/erlang/release/release_handler.sh [N]      (default 100000)
#
# Builds releases "1" and "2" of an application whose supervisor runs N rh_worker gen_servers
# (systools: make_script, make_relup, make_tar; the appup updates rh_worker with code_change),
# lays out a target system from release 1's tarball (release_handler:create_RELEASES), boots
# it, unpacks release 2 and times release_handler:install_release up, down and up again.
# Prints the lines of rh_bench, the last one VALUE <median ms>.
set -euo pipefail
n=${1:-100000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

otp_root=$(erl -noshell -eval 'io:format("~s", [code:root_dir()]), halt().')
erts_vsn=$(erl -noshell -eval 'io:format("~s", [erlang:system_info(version)]), halt().')
app_vsn() { erl -noshell -eval "application:load($1), {ok, V} = application:get_key($1, vsn), io:format(\"~s\", [V]), halt()."; }
kernel=$(app_vsn kernel) stdlib=$(app_vsn stdlib) sasl=$(app_vsn sasl)

for v in 1 2; do
  ebin="$work/lib/rh_workers-$v/ebin"
  mkdir -p "$ebin"
  erlc -DVSN="$v" -o "$ebin" "$here"/rh_worker.erl "$here"/rh_worker_sup.erl "$here"/rh_worker_app.erl
  cat > "$ebin/rh_workers.app" <<APP
{application, rh_workers,
 [{description, "install_100k_processes_ms workers"}, {vsn, "$v"}, {modules, [rh_worker, rh_worker_sup, rh_worker_app]}, {registered, [rh_worker_sup]},
  {applications, [kernel, stdlib, sasl]}, {mod, {rh_worker_app, []}}, {env, [{workers, $n}]}]}.
APP
  cat > "$work/workers-$v.rel" <<REL
{release, {"workers", "$v"}, {erts, "$erts_vsn"},
 [{kernel, "$kernel"}, {stdlib, "$stdlib"}, {sasl, "$sasl"}, {rh_workers, "$v"}]}.
REL
done
cat > "$work/lib/rh_workers-2/ebin/rh_workers.appup" <<'APPUP'
{"2", [{"1", [{update, rh_worker, {advanced, []}}]}], [{"1", [{update, rh_worker, {advanced, []}}]}]}.
APPUP

cd "$work"
erl -noshell -eval "
  P1 = [\"$work/lib/rh_workers-1/ebin\"], P2 = [\"$work/lib/rh_workers-2/ebin\"],
  {ok, _, _} = systools:make_script(\"workers-1\", [{path, P1}, silent]),
  {ok, _, _} = systools:make_script(\"workers-2\", [{path, P2}, silent]),
  {ok, _, _, _} = systools:make_relup(\"workers-2\", [\"workers-1\"], [\"workers-1\"], [{path, P1 ++ P2}, silent]),
  ok = systools:make_tar(\"workers-1\", [{path, P1}, {erts, code:root_dir()}]),
  ok = systools:make_tar(\"workers-2\", [{path, P2}]),
  halt()."

root="$work/root"
mkdir -p "$root"
tar xzf workers-1.tar.gz -C "$root"
cp workers-2.tar.gz "$root/releases/"
# release_handler reads the relup of the release it installs first, also for a downgrade:
# release 1 has none of its own, so give it an empty one.
echo '{"1", [], []}.' > "$root/releases/1/relup"
erl -noshell -eval "ok = release_handler:create_RELEASES(\"$root\", \"$root/releases\", \"$root/releases/1/workers-1.rel\", []), halt()."
erlc -o "$work" "$here/rh_bench.erl"

bindir="$root/erts-$erts_vsn/bin"
ROOTDIR="$root" BINDIR="$bindir" EMU=beam PROGNAME=erl "$bindir/erlexec" +P 2000000 -noshell \
  -boot "$root/releases/1/start" -sasl releases_dir "\"$root/releases\"" -pa "$work" -s rh_bench main
