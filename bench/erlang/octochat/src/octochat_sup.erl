%% octochat's supervisors: the top one (octochat_sup) and, with the same module, the
%% simple_one_for_one ones of the rooms, the chat connections and the HTTP connections.
-module(octochat_sup).
-behaviour(supervisor).
-export([start_link/1, start_simple/2, init/1]).

start_link(Config) -> supervisor:start_link({local, ?MODULE}, ?MODULE, {top, Config}).

start_simple(Name, Mod) -> supervisor:start_link({local, Name}, ?MODULE, {simple, Mod}).

init({top, {Port, HttpPort, Acceptors, Max}}) ->
    Simple = fun(Name, Mod) ->
                     #{id => Name, start => {?MODULE, start_simple, [Name, Mod]},
                       type => supervisor, shutdown => infinity}
             end,
    {ok, {#{strategy => one_for_one, intensity => 10, period => 10},
          [Simple(octochat_room_sup, octochat_room),
           #{id => octochat_rooms, start => {octochat_rooms, start_link, []}},
           Simple(octochat_conn_sup, octochat_conn),
           Simple(octochat_http_sup, octochat_http),
           #{id => octochat_tcp_listener,
             start => {octochat_listener, start_link, [tcp, Port, Acceptors, Max]}},
           #{id => octochat_http_listener,
             start => {octochat_listener, start_link, [http, HttpPort, Acceptors, Max]}}]}};
init({simple, Mod}) ->
    %% Rooms and connections are temporary: one that ends is not restarted. release_handler
    %% finds them here, by the modules of this child spec.
    {ok, {#{strategy => simple_one_for_one, intensity => 10, period => 10},
          [#{id => Mod, start => {Mod, start_link, []}, restart => temporary,
             shutdown => brutal_kill, modules => [Mod]}]}}.
