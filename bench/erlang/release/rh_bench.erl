%% Runs inside a node booted from release "1" of the target system that release_handler.sh
%% builds: unpacks release "2", then times release_handler:install_release for 2, 1, 2 (up,
%% down, up) while a client calls one of the workers without pause (with RH_CLIENT=false in the
%% environment, with no client: the workers idle). Prints one line per install and VALUE <median
%% ms>.
-module(rh_bench).
-export([main/0]).

main() ->
    {ok, "2"} = release_handler:unpack_release("workers-2"),
    Totals = [install(Vsn) || Vsn <- ["2", "1", "2"]],
    io:format("VALUE ~.1f~n", [lists:nth(2, lists:sort(Totals))]),
    init:stop().

install(Vsn) ->
    [{_, Worker, _, _} | _] = supervisor:which_children(rh_worker_sup),
    Self = self(),
    WithClient = os:getenv("RH_CLIENT") =/= "false",
    Client = case WithClient of
                 true -> spawn(fun() -> client(Worker, Self, 0, 0) end);
                 false -> none
             end,
    WithClient andalso receive {calling, Client} -> ok end,
    garbage_collect(),
    Start = erlang:monotonic_time(nanosecond),
    {ok, _, _} = release_handler:install_release(Vsn, [{suspend_timeout, 30000}]),
    Total = (erlang:monotonic_time(nanosecond) - Start) / 1.0e6,
    {Longest, Calls} = case WithClient of
                           true ->
                               Client ! {stop, Self},
                               receive {longest, L, C} -> {L, C} end;
                           false -> {0, 0}
                       end,
    N = length(supervisor:which_children(rh_worker_sup)),
    io:format("install ~s of ~p processes: ~.1f ms in all, client's longest call ~.1f ms (~p calls)~n",
              [Vsn, N, Total, Longest / 1.0e6, Calls]),
    Total.

client(Worker, Parent, Longest, Calls) ->
    Calls =:= 1000 andalso (Parent ! {calling, self()}),
    receive
        {stop, From} -> From ! {longest, Longest, Calls}
    after 0 ->
        T0 = erlang:monotonic_time(nanosecond),
        _ = gen_server:call(Worker, seen, infinity),
        Took = erlang:monotonic_time(nanosecond) - T0,
        client(Worker, Parent, case Calls < 1000 of true -> 0; false -> max(Longest, Took) end, Calls + 1)
    end.
