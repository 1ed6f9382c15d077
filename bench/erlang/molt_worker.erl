%% The worker of upgrade_100k_processes_ms, as bench.worker.Worker on Molt's side.
-module(molt_worker).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2, code_change/3]).

init(Id) -> {ok, {Id, 0}}.
handle_call(_, _From, {_, Seen} = State) -> {reply, Seen, State}.
handle_cast(_, {Id, Seen}) -> {noreply, {Id, Seen + 1}}.
code_change(_OldVsn, State, _Extra) -> {ok, State}.
