#!/usr/bin/env bash
# octochat, Erlang side: upgrades the running node octochat@127.0.0.1 to release 2, live (or, with
# 1, downgrades it to release 1: what downgrade.sh does).
#
#   bench/erlang/octochat/upgrade.sh OUTDIR [2|1]
#
# From a short-lived hidden node, by rpc: release_handler:unpack_release("octochat-2") (unless
# release 2 is unpacked already, as after a downgrade; never for 1), install_release(To),
# make_permanent(To). Prints "upgraded to 2 in N ms (install M ms)" (or "downgraded to 1 …"): N
# from the unpack to the make_permanent, M the install_release alone, timed on the node. Fails
# with the reason on any error. (OUTDIR is only checked: the node knows its root.)
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 OUTDIR [2|1]" >&2; exit 2; }
to=${2:-2}
case "$to" in 2) verb=upgrade ;; 1) verb=downgrade ;; *) echo "$0: no release $to" >&2; exit 2 ;; esac
[ -d "$1/root/releases" ] || { echo "$verb: no target system in $1/root" >&2; exit 1; }
exec erl -name "ctl_$$_$RANDOM@127.0.0.1" -setcookie octobench -hidden -noshell -eval '
  Node = '"'"'octochat@127.0.0.1'"'"', To = "'"$to"'", Tarball = "octochat-2", Verb = "'"$verb"'",
  Fail = fun(Fmt, Args) -> io:format(standard_error, Verb ++ ": " ++ Fmt ++ "~n", Args), halt(1) end,
  try
    pong =:= net_adm:ping(Node) orelse Fail("node ~s is not reachable", [Node]),
    Rpc = fun(M, F, A) ->
              case rpc:call(Node, M, F, A, infinity) of
                {badrpc, R} -> Fail("~s:~s failed: ~p", [M, F, R]);
                R -> R
              end
          end,
    T0 = erlang:monotonic_time(microsecond),
    case lists:keyfind(To, 2, Rpc(release_handler, which_releases, [])) of
      {_, _, _, permanent} -> Fail("release ~s is already the permanent release", [To]);
      {_, _, _, _} -> ok;
      false when To =:= "1" -> Fail("release ~s is not installed", [To]);
      false ->
        case Rpc(release_handler, unpack_release, [Tarball]) of
          {ok, To} -> ok;
          U -> Fail("unpack_release(~p): ~p", [Tarball, U])
        end
    end,
    {InstallUs, Installed} = Rpc(timer, tc, [release_handler, install_release, [To]]),
    case Installed of
      {ok, _From, _} -> ok;
      I -> Fail("install_release(~p): ~p", [To, I])
    end,
    case Rpc(release_handler, make_permanent, [To]) of
      ok -> ok;
      P -> Fail("make_permanent(~p): ~p", [To, P])
    end,
    Total = erlang:monotonic_time(microsecond) - T0,
    io:format("~sd to ~s in ~b ms (install ~b ms)~n",
              [Verb, To, round(Total / 1000), round(InstallUs / 1000)]),
    halt(0)
  catch C:E:St -> Fail("~p:~p ~p", [C, E, St])
  end.'
