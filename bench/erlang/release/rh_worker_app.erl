-module(rh_worker_app).
-behaviour(application).
-export([start/2, stop/1]).

start(_Type, _Args) ->
    {ok, Sup} = rh_worker_sup:start_link(),
    {ok, N} = application:get_env(rh_workers, workers),
    [{ok, _} = supervisor:start_child(rh_worker_sup, [I]) || I <- lists:seq(0, N - 1)],
    {ok, Sup}.
stop(_) -> ok.
