-module(rh_worker_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

start_link() -> supervisor:start_link({local, ?MODULE}, ?MODULE, []).
init([]) ->
    {ok, {#{strategy => simple_one_for_one, intensity => 10, period => 60},
          [#{id => worker, start => {rh_worker, start_link, []}, modules => [rh_worker]}]}}.
