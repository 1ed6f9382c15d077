%% A check of octochat through live upgrades, in the manner of OctochatIT (a test, not part of
%% the benchmark): N clients in rooms of 10 (nicks cI, rooms rI div 10), each saying a numbered
%% line every INTERVAL ms, and an HTTP client GETting /rooms on one keep-alive connection
%% throughout; upgrade.sh, downgrade.sh, upgrade.sh, downgrade.sh in between. It prints, for each
%% phase, how many lines arrived with and without a timestamp, the /who answers, GET /rooms/r0
%% (on one keep-alive connection), and at the end the lines sent, delivered and lost, the HTTP
%% failures and any problem (a dropped connection, a line out of order or from another room).
%%
%%   erlc -o /tmp octochat_load.erl
%%   erl -noshell +P 1000000 -pa /tmp -eval 'octochat_load:main(["TCP_PORT", "HTTP_PORT",
%%       "OUTDIR", "SCRIPTS_DIR", "1000", "500"])'
%%
%% with the node started from OUTDIR at release 1 (start.sh), SCRIPTS_DIR bench/erlang/octochat.
-module(octochat_load).
-export([main/1]).

main([P, HP, Out, Dir, NS, IS]) ->
    put(scripts, Dir),
    Port = list_to_integer(P), HPort = list_to_integer(HP), N = list_to_integer(NS), Interval = list_to_integer(IS),
    Self = self(),
    T0 = erlang:monotonic_time(millisecond),
    Clients = [begin C = spawn_link(fun() -> client(I, Port, Self, Interval) end),
                     receive {ready, C} -> C after 30000 -> exit({not_ready, I}) end end || I <- lists:seq(0, N - 1)],
    io:format("~b clients connected, nicked and joined in ~b ms~n", [N, erlang:monotonic_time(millisecond) - T0]),
    [C ! go || C <- Clients],
    Load = spawn_link(fun() -> http_load(HPort, 0, []) end),
    {ok, Probe} = gen_tcp:connect("127.0.0.1", HPort, [binary, {packet, http_bin}, {active, false}]),
    io:format("v1 /rooms/r0: ~p~n", [get(Probe, "/rooms/r0")]),
    timer:sleep(3000),
    window("v1 (3 s)", Clients),
    who("v1", Clients),
    script(Out, "upgrade.sh"),
    io:format("v2 /rooms/r0 on the same keep-alive connection: ~p~n", [get(Probe, "/rooms/r0")]),
    timer:sleep(300), reset(Clients), timer:sleep(3000), window("after upgrade (3 s)", Clients),
    who("v2", Clients),
    script(Out, "downgrade.sh"),
    io:format("v1 /rooms/r0: ~p~n", [get(Probe, "/rooms/r0")]),
    timer:sleep(300), reset(Clients), timer:sleep(3000), window("after downgrade (3 s)", Clients),
    script(Out, "upgrade.sh"),
    timer:sleep(300), reset(Clients), timer:sleep(2000), window("after 2nd upgrade (2 s)", Clients),
    who("v2", Clients),
    script(Out, "downgrade.sh"),
    timer:sleep(300), reset(Clients), timer:sleep(2000), window("after 2nd downgrade (2 s)", Clients),
    [C ! stop_sending || C <- Clients],
    timer:sleep(500),
    Lost = wait_lost(Clients, 100),
    Load ! {stop, self()},
    {Ok, Failed} = receive {load, O, F} -> {O, F} end,
    Stats = [stats(C) || C <- Clients],
    Sent = lists:sum([S || {S, _, _, _} <- Stats]),
    Got = lists:sum([G || {_, G, _, _} <- Stats]),
    Problems = lists:append([Pr || {_, _, _, Pr} <- Stats]),
    io:format("~b clients: sent ~b, delivered ~b, lost ~b; HTTP GET /rooms: ~b ok, ~b failed ~p; problems ~b ~p~n",
              [N, Sent, Got, Lost, Ok, length(Failed), lists:sublist(Failed, 3), length(Problems), lists:sublist(Problems, 5)]),
    halt().

script(Out, S) ->
    T = erlang:monotonic_time(millisecond),
    R = os:cmd(filename:join(get(scripts), S) ++ " " ++ Out ++ " 2>&1; echo rc=$?"),
    io:format("~s: ~s (~b ms wall)~n", [S, string:replace(string:trim(R), "\n", " | ", all), erlang:monotonic_time(millisecond) - T]).

get(Sock, Path) ->
    ok = gen_tcp:send(Sock, ["GET ", Path, " HTTP/1.1\r\nHost: x\r\n\r\n"]),
    {ok, {http_response, _, Code, _}} = gen_tcp:recv(Sock, 0, 10000),
    Len = headers(Sock, 0),
    ok = inet:setopts(Sock, [{packet, raw}]),
    {ok, Body} = case Len of 0 -> {ok, <<>>}; _ -> gen_tcp:recv(Sock, Len, 10000) end,
    ok = inet:setopts(Sock, [{packet, http_bin}]),
    {Code, Body}.
headers(Sock, L) ->
    case gen_tcp:recv(Sock, 0, 10000) of
        {ok, {http_header, _, 'Content-Length', _, V}} -> headers(Sock, binary_to_integer(V));
        {ok, {http_header, _, _, _, _}} -> headers(Sock, L);
        {ok, http_eoh} -> L
    end.

http_load(HPort, Ok, Failed) ->
    {ok, S} = gen_tcp:connect("127.0.0.1", HPort, [binary, {packet, http_bin}, {active, false}]),
    http_load(S, HPort, Ok, Failed).
http_load(S, HPort, Ok, Failed) ->
    receive {stop, From} -> From ! {load, Ok, Failed}
    after 10 ->
        case catch get(S, "/rooms") of
            {200, B} -> case binary:match(B, <<"r0\n">>) of nomatch -> http_load(S, HPort, Ok, [B | Failed]); _ -> http_load(S, HPort, Ok + 1, Failed) end;
            Other -> gen_tcp:close(S), http_load(HPort, Ok, [Other | Failed])
        end
    end.

window(Label, Clients) ->
    {St, Un} = lists:foldl(fun(C, {A, B}) -> C ! {window, self()}, receive {window, C, X, Y} -> {A + X, B + Y} end end, {0, 0}, Clients),
    io:format("~s: ~b lines with a timestamp, ~b without~n", [Label, St, Un]).
reset(Clients) -> [C ! reset || C <- Clients].

who(Label, Clients) ->
    Asked = lists:sublist(Clients, 10),
    [C ! {say, <<"/who">>} || C <- Asked],
    timer:sleep(1000),
    As = [begin C ! {answers, self()}, receive {answers, C, A} -> A end end || C <- Asked],
    io:format("~s /who answers of c0, c1: ~p; all 10 got an 'in r0: ...c<i>...' answer: ~p~n",
              [Label, [lists:last(A) || A <- lists:sublist(As, 2), A =/= []],
               lists:all(fun({I, A}) -> lists:any(fun(X) -> binary:match(X, <<"in r0: ">>) =/= nomatch andalso
                                                              binary:match(X, <<"c", (integer_to_binary(I))/binary>>) =/= nomatch end, A) end,
                         lists:zip(lists:seq(0, length(As) - 1), As))]).

stats(C) -> C ! {stats, self()}, receive {stats, C, S} -> S end.
wait_lost(Clients, 0) -> lost(Clients);
wait_lost(Clients, K) -> case lost(Clients) of 0 -> 0; _ -> timer:sleep(100), wait_lost(Clients, K - 1) end.
lost(Clients) ->
    Stats = lists:zip(lists:seq(0, length(Clients) - 1), [stats(C) || C <- Clients]),
    lists:sum([Sent - maps:get(S, Next, 0) || {R, {_, _, Next, _}} <- Stats, {S, {Sent, _, _, _}} <- Stats, S =/= R, S div 10 =:= R div 10]).

client(I, Port, Parent, Interval) ->
    {ok, S} = gen_tcp:connect("127.0.0.1", Port, [binary, {packet, line}, {active, false}]),
    {ok, <<"welcome, guest", _/binary>>} = gen_tcp:recv(S, 0, 10000),
    Nick = <<"c", (integer_to_binary(I))/binary>>,
    ok = gen_tcp:send(S, [<<"/nick ">>, Nick, $\n]),
    {ok, L1} = gen_tcp:recv(S, 0, 10000), L1 = <<"you are ", Nick/binary, "\n">>,
    Room = <<"r", (integer_to_binary(I div 10))/binary>>,
    ok = gen_tcp:send(S, [<<"/join ">>, Room, $\n]),
    {ok, L2} = gen_tcp:recv(S, 0, 10000), L2 = <<"you are in ", Room/binary, "\n">>,
    Parent ! {ready, self()},
    receive go -> ok end,
    ok = inet:setopts(S, [{active, true}]),
    erlang:send_after(rand:uniform(Interval), self(), tick),
    loop(#{i => I, s => S, sent => 0, got => 0, next => #{}, st => 0, un => 0, answers => [], problems => [], sending => true, interval => Interval}).

loop(#{s := S, i := I} = St) ->
    receive
        tick when map_get(sending, St) ->
            Seq = map_get(sent, St),
            ok = gen_tcp:send(S, io_lib:format("m ~b ~b ~b~n", [I, Seq, erlang:system_time(microsecond)])),
            erlang:send_after(map_get(interval, St), self(), tick),
            loop(St#{sent := Seq + 1});
        tick -> loop(St);
        stop_sending -> loop(St#{sending := false});
        {say, L} -> ok = gen_tcp:send(S, [L, $\n]), loop(St);
        {tcp, S, Line0} ->
            Line = binary:part(Line0, 0, byte_size(Line0) - 1),
            case re:run(Line, <<"^(\\[\\d\\d:\\d\\d:\\d\\d\\] )?c(\\d+): m (\\d+) (\\d+) (\\d+)$">>, [{capture, all_but_first, binary}]) of
                {match, [Stamp, Snd, Snd2, SeqB, _]} ->
                    Sender = binary_to_integer(Snd), Seq = binary_to_integer(SeqB),
                    Next = map_get(next, St),
                    Exp = maps:get(Sender, Next, 0),
                    P1 = [io_lib:format("c~b got c~b's ~b, expected ~b", [I, Sender, Seq, Exp]) || Seq =/= Exp]
                        ++ [io_lib:format("c~b: bad line ~s", [I, Line]) || Snd =/= Snd2 orelse Sender div 10 =/= I div 10 orelse Sender =:= I],
                    {A, B} = case Stamp of <<>> -> {0, 1}; _ -> {1, 0} end,
                    loop(St#{next := Next#{Sender => Seq + 1}, got := map_get(got, St) + 1, st := map_get(st, St) + A, un := map_get(un, St) + B,
                             problems := P1 ++ map_get(problems, St)});
                nomatch -> loop(St#{answers := map_get(answers, St) ++ [Line]})
            end;
        {tcp_closed, S} -> loop(St#{problems := [io_lib:format("c~b dropped", [I]) | map_get(problems, St)]});
        reset -> loop(St#{st := 0, un := 0});
        {window, From} -> From ! {window, self(), map_get(st, St), map_get(un, St)}, loop(St);
        {answers, From} -> From ! {answers, self(), map_get(answers, St)}, loop(St#{answers := []});
        {stats, From} -> From ! {stats, self(), {map_get(sent, St), map_get(got, St), map_get(next, St), map_get(problems, St)}}, loop(St)
    end.
