%% The KV server of the code-loading figures, as bench.kv.Kv on Molt's side.
-module(molt_kv).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2, code_change/3]).

init(Keys) -> {ok, maps:from_list([{integer_to_binary(I), I} || I <- lists:seq(0, Keys - 1)])}.
handle_call(Key, _From, State) -> {reply, maps:get(Key, State, undefined), State}.
handle_cast(_, State) -> {noreply, State}.
code_change(_OldVsn, State, _Extra) -> {ok, State}.
