%% octochat: a line-based TCP chat server with rooms, and a small HTTP API, as an OTP
%% application. The same in releases "1" and "2" (compiled twice, with -DVSN=1 and -DVSN=2).
%%
%% Ports: the OS environment variables OCTOCHAT_PORT and OCTOCHAT_HTTP_PORT when set, else the
%% application env keys port (4040) and http_port (4080). Also acceptors (8) and
%% max_connections (20000, per listener).
-module(octochat_app).
-behaviour(application).
-export([start/2, stop/1]).
-export([next_guest/0, opened/1, closed/1, open_count/1]).

-define(COUNTERS, octochat_counters).
%% The counters' slots: the guest numbers handed out, open TCP and HTTP connections.
-define(GUESTS, 1).

start(_Type, _Args) ->
    Counters = try persistent_term:get(?COUNTERS)
               catch error:badarg ->
                       C = atomics:new(3, [{signed, true}]),
                       persistent_term:put(?COUNTERS, C),
                       C
               end,
    %% Connections of a previous run of the application are gone (guest numbers go on).
    atomics:put(Counters, slot(tcp), 0),
    atomics:put(Counters, slot(http), 0),
    try
        Port = port("OCTOCHAT_PORT", port, 4040),
        HttpPort = port("OCTOCHAT_HTTP_PORT", http_port, 4080),
        Acceptors = env(acceptors, 8),
        Max = env(max_connections, 20000),
        octochat_sup:start_link({Port, HttpPort, Acceptors, Max})
    catch throw:Reason -> {error, Reason}
    end.

stop(_State) -> ok.

%% The next guest number: 1, 2, 3... for the whole node.
next_guest() -> atomics:add_get(persistent_term:get(?COUNTERS), ?GUESTS, 1).

opened(Kind) -> atomics:add(persistent_term:get(?COUNTERS), slot(Kind), 1).
closed(Kind) -> atomics:sub(persistent_term:get(?COUNTERS), slot(Kind), 1).
open_count(Kind) -> atomics:get(persistent_term:get(?COUNTERS), slot(Kind)).

slot(tcp) -> 2;
slot(http) -> 3.

port(Var, Key, Default) ->
    case os:getenv(Var) of
        V when V =:= false; V =:= "" -> env(Key, Default);
        V ->
            case catch list_to_integer(string:trim(V)) of
                P when is_integer(P), P >= 0, P < 65536 -> P;
                _ -> throw({bad_port, Var, V})
            end
    end.

env(Key, Default) ->
    case application:get_env(octochat, Key) of
        {ok, V} -> V;
        undefined -> Default
    end.
