%% The Erlang/OTP side of bench/run.sh, measured the same way as Molt's side.
%%   call Clients   gen_server:call round trips per second against a KV server of 100,000 keys,
%%                  made by Clients processes; 4 warm-up seconds, then the median of 12 one-second
%%                  rounds (Molt's JMH run: 2 forks x 6 one-second iterations).
%%   idle N         erlang:memory(processes) growth per process for N processes waiting in receive.
%% Each prints one line: VALUE <number>.
-module(molt_bench).
-behaviour(gen_server).
-export([main/1, init/1, handle_call/3, handle_cast/2]).

-define(KEYS, 100000).

init([]) ->
    {ok, maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(0, ?KEYS - 1)])}.
handle_call(Key, _From, State) -> {reply, maps:get(Key, State, undefined), State}.
handle_cast(_, State) -> {noreply, State}.

main(["call", ClientsArg]) ->
    Clients = list_to_integer(ClientsArg),
    Keys = list_to_tuple([integer_to_binary(I) || I <- lists:seq(0, ?KEYS - 1)]),
    {ok, Server} = gen_server:start(?MODULE, [], []),
    [round(Server, Keys, Clients) || _ <- lists:seq(1, 4)],
    Rates = [round(Server, Keys, Clients) || _ <- lists:seq(1, 12)],
    print(median(Rates));
main(["idle", NArg]) ->
    N = list_to_integer(NArg),
    garbage_collect(),
    Before = erlang:memory(processes),
    Self = self(),
    Pids = [spawn(fun() -> Self ! ready, receive stop -> ok end end) || _ <- lists:seq(1, N)],
    [receive ready -> ok end || _ <- Pids],
    After = erlang:memory(processes),
    [P ! stop || P <- Pids],
    print((After - Before) / N).

%% One second of calls from Clients processes; returns calls per second.
round(Server, Keys, Clients) ->
    Self = self(),
    End = erlang:monotonic_time(nanosecond) + 1000000000,
    Start = erlang:monotonic_time(nanosecond),
    [spawn_link(fun() -> Self ! {done, client(Server, Keys, End, C * 7919, 0)} end)
     || C <- lists:seq(0, Clients - 1)],
    Total = lists:sum([receive {done, N} -> N end || _ <- lists:seq(1, Clients)]),
    Total * 1.0e9 / (erlang:monotonic_time(nanosecond) - Start).

client(Server, Keys, End, I, N) ->
    case erlang:monotonic_time(nanosecond) < End of
        true -> client(Server, Keys, End, batch(Server, Keys, I, 100), N + 100);
        false -> N
    end.

batch(_, _, I, 0) -> I;
batch(Server, Keys, I, K) ->
    Key = element(I rem ?KEYS + 1, Keys),
    case gen_server:call(Server, Key) of
        undefined -> exit({missing, Key});
        _ -> ok
    end,
    batch(Server, Keys, I + 1, K - 1).

median(Values) ->
    Sorted = lists:sort(Values),
    Len = length(Sorted),
    case Len rem 2 of
        1 -> lists:nth(Len div 2 + 1, Sorted);
        0 -> (lists:nth(Len div 2, Sorted) + lists:nth(Len div 2 + 1, Sorted)) / 2
    end.

print(Value) -> io:format("VALUE ~.1f~n", [float(Value)]).
