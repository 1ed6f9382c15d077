%% The Erlang/OTP side of bench/run.sh, measured the same way as Molt's side.
%%   call Clients   gen_server:call round trips per second against a KV server of 100,000 keys,
%%                  made by Clients processes; 4 warm-up seconds, then the median of 12 one-second
%%                  rounds (Molt's JMH run: 2 forks x 6 one-second iterations).
%%   idle N         erlang:memory(processes) growth per process for N processes waiting in receive.
%%   swap Dir Keys  swap_pause_us: sys:suspend, code:load_binary, sys:change_code, sys:resume of the
%%                  KV server holding Keys keys under 4 calling processes; median of 200 after 1,000.
%%   upgrade Dir N  upgrade_100k_processes_ms: what release_handler does for N gen_servers of one
%%                  module (suspend each, load, change_code each, resume each); median of 3 after 1.
%%   code_memory Dir  erlang:memory(code) growth in KB over 1,000 load/purge cycles, after 200.
%%   load Dir       load_module_us: code:atomic_load of 20 small modules; median of 200 after 50.
%%   migrate N      migrate_1m_records_ms: a code_change that rebuilds a state of N records
%%                  {entry, Key, Value} as {entry, Key, Value, 0}; median of 10 after 2.
%%   latency Clients Pct  call_p99_us / call_p999_us: the latency of gen_server:call while Clients
%%                  processes call the KV server without pause; every call timed, after 3 seconds,
%%                  for 5, into one histogram of 3 significant digits shared through counters
%%                  (HdrHistogram's layout: 2,048 sub-buckets per power of two); the Pct percentile
%%                  in us.
%%   sup_scale      sup_terminate_10k_children_ms: a simple_one_for_one supervisor of temporary
%%                  children, processes waiting in receive (supervisor_SUITE's simple_one_for_one_scale_many_temporary_children):
%%                  start 1,000 and terminate each with supervisor:terminate_child, the last
%%                  started first, then 10,000;
%%                  one warm-up round, then the median of 5 for the 10,000.
%% Each prints one line: VALUE <number>.
-module(molt_bench).
-behaviour(gen_server).
-export([main/1, init/1, handle_call/3, handle_cast/2, start_idle/0]).

-define(KEYS, 100000).
-define(BUCKETS, 40 * 1024).

init(sup) ->
    {ok, {{simple_one_for_one, 2, 3600},
          [{child, {?MODULE, start_idle, []}, temporary, 1000, worker, []}]}};
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
main(["latency", ClientsArg, PctArg]) ->
    Clients = list_to_integer(ClientsArg),
    Pct = list_to_float(PctArg),
    Keys = list_to_tuple([integer_to_binary(I) || I <- lists:seq(0, ?KEYS - 1)]),
    {ok, Server} = gen_server:start(?MODULE, [], []),
    Histogram = counters:new(?BUCKETS, [write_concurrency]),
    Self = self(),
    From = erlang:monotonic_time(nanosecond) + 3000000000,
    End = From + 5000000000,
    [spawn_link(fun() -> timed(Server, Keys, C * 7919, From, End, Histogram), Self ! done end)
     || C <- lists:seq(0, Clients - 1)],
    [receive done -> ok end || _ <- lists:seq(1, Clients)],
    Counts = [counters:get(Histogram, I + 1) || I <- lists:seq(0, ?BUCKETS - 1)],
    Total = lists:sum(Counts),
    At = fun(P) -> bucket_value(percentile_bucket(Counts, 0, 0, ceil(P / 100 * Total))) / 1000 end,
    Max = bucket_value(length(Counts) - 1 - length(lists:takewhile(fun(C) -> C == 0 end,
                                                                    lists:reverse(Counts)))) / 1000,
    io:format("calls ~p, median ~.1f, p99 ~.1f, p99.9 ~.1f, max ~.1f us~n",
              [Total, At(50.0), At(99.0), At(99.9), Max]),
    print(At(Pct));
main(["idle", NArg]) ->
    N = list_to_integer(NArg),
    garbage_collect(),
    Before = erlang:memory(processes),
    Self = self(),
    Pids = [spawn(fun() -> Self ! ready, receive stop -> ok end end) || _ <- lists:seq(1, N)],
    [receive ready -> ok end || _ <- Pids],
    After = erlang:memory(processes),
    [P ! stop || P <- Pids],
    print((After - Before) / N);
main(["swap", Dir, KeysArg]) ->
    N = list_to_integer(KeysArg),
    {Mod, Bin} = compiled(Dir, "molt_kv"),
    {module, Mod} = code:load_binary(Mod, "molt_kv.erl", Bin),
    {ok, Server} = gen_server:start(Mod, N, []),
    Keys = list_to_tuple([integer_to_binary(I) || I <- lists:seq(0, N - 1)]),
    Clients = [spawn(fun() -> caller(Server, Keys, C * 2500) end) || C <- lists:seq(0, 3)],
    Pauses = [swap(Server, Mod, Bin) || _ <- lists:seq(1, 1200)],
    [exit(C, kill) || C <- Clients],
    io:format("first 20 swaps: median ~.1f us~n", [median(lists:sublist(Pauses, 20))]),
    io:format("swaps 200, max ~.1f us~n", [lists:max(lists:nthtail(1000, Pauses))]),
    print(median(lists:nthtail(1000, Pauses)));
main(["sup_scale"]) ->
    process_flag(trap_exit, true),
    {ok, Sup} = supervisor:start_link(?MODULE, sup),
    Rounds = [sup_round(Sup, R) || R <- lists:seq(0, 5)],
    print(median(tl(Rounds)));
main(["migrate", NArg]) ->
    N = list_to_integer(NArg),
    Old = {state, [{entry, integer_to_binary(I), I} || I <- lists:seq(0, N - 1)]},
    Times = [migrate_time(Old, N) || _ <- lists:seq(1, 12)],
    io:format("runs (ms): ~p~n", [Times]),
    print(median(lists:nthtail(2, Times)));
main(["upgrade", Dir, NArg]) ->
    N = list_to_integer(NArg),
    {Mod, Bin} = compiled(Dir, "molt_worker"),
    {module, Mod} = code:load_binary(Mod, "molt_worker.erl", Bin),
    Pids = [element(2, gen_server:start(Mod, I, [])) || I <- lists:seq(1, N)],
    Times = [upgrade(Pids, Mod, Bin) || _ <- lists:seq(1, 4)],
    [io:format("upgrade of ~p processes: ~.1f ms~n", [N, T]) || T <- Times],
    print(median(tl(Times)));
main(["code_memory", Dir]) ->
    {Mod, Bin} = compiled(Dir, "molt_kv"),
    {module, Mod} = code:load_binary(Mod, "molt_kv.erl", Bin),
    {ok, Server} = gen_server:start(Mod, 100, []),
    reload(Server, Mod, Bin, 200),
    Before = erlang:memory(code),
    reload(Server, Mod, Bin, 1000),
    After = erlang:memory(code),
    print((After - Before) / 1024);
main(["load", Dir]) ->
    Modules = [twenty(I) || I <- lists:seq(1, 20)],
    _ = Dir,
    Times = [atomic_load(Modules) || _ <- lists:seq(1, 250)],
    print(median(lists:nthtail(50, Times))).

compiled(Dir, Name) ->
    {ok, Mod, Bin} = compile:file(filename:join(Dir, Name ++ ".erl"), [binary]),
    {Mod, Bin}.

caller(Server, Keys, I) ->
    gen_server:call(Server, element(I rem tuple_size(Keys) + 1, Keys)),
    caller(Server, Keys, I + 1).

swap(Server, Mod, Bin) ->
    code:soft_purge(Mod),
    Start = erlang:monotonic_time(nanosecond),
    ok = sys:suspend(Server),
    {module, Mod} = code:load_binary(Mod, "molt_kv.erl", Bin),
    ok = sys:change_code(Server, Mod, undefined, []),
    ok = sys:resume(Server),
    (erlang:monotonic_time(nanosecond) - Start) / 1000.

%% What release_handler does for an update instruction: suspend each process, load, change
%% code in each, resume each, one process at a time.
upgrade(Pids, Mod, Bin) ->
    true = code:soft_purge(Mod),
    garbage_collect(),
    Start = erlang:monotonic_time(nanosecond),
    [ok = sys:suspend(P) || P <- Pids],
    {module, Mod} = code:load_binary(Mod, "molt_worker.erl", Bin),
    [ok = sys:change_code(P, Mod, undefined, []) || P <- Pids],
    [ok = sys:resume(P) || P <- Pids],
    [gen_server:cast(P, tick) || P <- Pids],
    (erlang:monotonic_time(nanosecond) - Start) / 1.0e6.

reload(_, _, _, 0) -> ok;
reload(Server, Mod, Bin, N) ->
    code:soft_purge(Mod),
    {module, Mod} = code:load_binary(Mod, "molt_kv.erl", Bin),
    gen_server:call(Server, <<"1">>),
    reload(Server, Mod, Bin, N - 1).

twenty(I) ->
    Name = "molt_c" ++ integer_to_list(I),
    Source = "-module(" ++ Name ++ ").\n-export([new/1, value/1, twice/1, describe/1, sum/1]).\n"
        "new(V) -> {c, V}.\nvalue({c, V}) -> V.\ntwice({c, V}) -> V * 2.\n"
        "describe({c, V}) -> \"C(\" ++ integer_to_list(V) ++ \")\".\nsum(Vs) -> lists:sum(Vs).\n",
    {ok, Tokens, _} = erl_scan:string(Source),
    Forms = split_forms(Tokens, [], []),
    {ok, Mod, Bin} = compile:forms(Forms, [binary]),
    {Mod, Name ++ ".erl", Bin}.

split_forms([], [], Forms) -> lists:reverse(Forms);
split_forms([{dot, _} = Dot | Rest], Acc, Forms) ->
    {ok, Form} = erl_parse:parse_form(lists:reverse([Dot | Acc])),
    split_forms(Rest, [], [Form | Forms]);
split_forms([Token | Rest], Acc, Forms) -> split_forms(Rest, [Token | Acc], Forms).

atomic_load(Modules) ->
    [code:soft_purge(M) || {M, _, _} <- Modules],
    Start = erlang:monotonic_time(nanosecond),
    ok = code:atomic_load(Modules),
    (erlang:monotonic_time(nanosecond) - Start) / 1000.

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

timed(Server, Keys, I, From, End, Histogram) ->
    T0 = erlang:monotonic_time(nanosecond),
    case T0 < End of
        false -> ok;
        true ->
            gen_server:call(Server, element(I rem ?KEYS + 1, Keys)),
            T1 = erlang:monotonic_time(nanosecond),
            case T0 >= From of
                true -> counters:add(Histogram, bucket(T1 - T0) + 1, 1);
                false -> ok
            end,
            timed(Server, Keys, I + 1, From, End, Histogram)
    end.

%% HdrHistogram's bucketing with 2,048 sub-buckets: exact below 2,048 ns, then 3 significant
%% digits.
bucket(V) when V < 2048 -> V;
bucket(V) -> magnitude(V, 1).

magnitude(V, M) when (V bsr M) >= 2048 -> magnitude(V, M + 1);
magnitude(V, M) -> min(M * 1024 + (V bsr M), ?BUCKETS - 1).

bucket_value(I) when I < 2048 -> I;
bucket_value(I) ->
    M = I div 1024 - 1,
    ((I - M * 1024) bsl M) + (1 bsl M) - 1.

percentile_bucket([C | Rest], I, Seen, Want) ->
    case Seen + C >= Want of
        true -> I;
        false -> percentile_bucket(Rest, I + 1, Seen + C, Want)
    end;
percentile_bucket([], I, _, _) -> I - 1.

median(Values) ->
    Sorted = lists:sort(Values),
    Len = length(Sorted),
    case Len rem 2 of
        1 -> lists:nth(Len div 2 + 1, Sorted);
        0 -> (lists:nth(Len div 2, Sorted) + lists:nth(Len div 2 + 1, Sorted)) / 2
    end.

start_idle() -> {ok, spawn_link(fun() -> receive after infinity -> ok end end)}.

sup_round(Sup, Round) ->
    Small = sup_terminate_all(Sup, 1000),
    Big = sup_terminate_all(Sup, 10000),
    io:format("round ~p: 1,000 in ~.1f ms, 10,000 in ~.1f ms, scaling ~.1f~n",
              [Round, Small, Big, Big / Small]),
    Big.

sup_terminate_all(Sup, N) ->
    Children = [element(2, supervisor:start_child(Sup, [])) || _ <- lists:seq(1, N)],
    T0 = erlang:monotonic_time(microsecond),
    [ok = supervisor:terminate_child(Sup, C) || C <- lists:reverse(Children)],
    (erlang:monotonic_time(microsecond) - T0) / 1000.

print(Value) -> io:format("VALUE ~.1f~n", [float(Value)]).

migrate_time(Old, N) ->
    garbage_collect(),
    T0 = erlang:monotonic_time(microsecond),
    {ok, {state, New}} = code_change(1, Old, []),
    T1 = erlang:monotonic_time(microsecond),
    N = length(New),
    (T1 - T0) / 1000.

%% What a gen_server's code_change does when a record gains a field.
code_change(_OldVsn, {state, Entries}, _Extra) ->
    {ok, {state, [{entry, K, V, 0} || {entry, K, V} <- Entries]}}.
