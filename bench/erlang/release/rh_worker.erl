%% The worker of install_100k_processes_ms on the Erlang side: one of N children of
%% rh_worker_sup, upgraded by release_handler with {update, rh_worker, {advanced, []}}.
%% Built twice, with -DVSN=1 and -DVSN=2.
-module(rh_worker).
-behaviour(gen_server).
-vsn(?VSN).
-export([start_link/1, init/1, handle_call/3, handle_cast/2, code_change/3]).

start_link(Id) -> gen_server:start_link(?MODULE, Id, []).
init(Id) -> {ok, {Id, 0}}.
handle_call(_, _From, {_, Seen} = State) -> {reply, Seen, State}.
handle_cast(_, {Id, Seen}) -> {noreply, {Id, Seen + 1}}.
code_change(_OldVsn, State, _Extra) -> {ok, State}.
