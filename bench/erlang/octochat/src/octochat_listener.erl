%% A listening socket and its pool of acceptors: octochat_tcp_listener (chat, {packet, line},
%% connections under octochat_conn_sup) and octochat_http_listener (HTTP, {packet, http_bin},
%% connections under octochat_http_sup). The listener owns the socket; each acceptor accepts,
%% starts the connection's process, makes it the socket's owner and sends it {go, Socket}.
%% An acceptor waits while max_connections connections of its kind are open.
-module(octochat_listener).
-behaviour(gen_server).
-export([start_link/4, acceptor/4]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

start_link(Kind, Port, Acceptors, Max) ->
    gen_server:start_link({local, name(Kind)}, ?MODULE, {Kind, Port, Acceptors, Max}, []).

name(tcp) -> octochat_tcp_listener;
name(http) -> octochat_http_listener.

init({Kind, Port, Acceptors, Max}) ->
    process_flag(trap_exit, true),
    %% buffer: a line (a chat line, an HTTP request or header line) of up to 16 kB arrives
    %% whole (with the default, 1460 bytes, a longer one arrives in pieces).
    Opts = [binary, {packet, packet(Kind)}, {buffer, 16384}, {active, false},
            {reuseaddr, true}, {backlog, 4096}, {nodelay, true},
            {send_timeout, 30000}, {send_timeout_close, true}],
    case gen_tcp:listen(Port, Opts) of
        {ok, LSock} ->
            S = #{kind => Kind, lsock => LSock, max => Max, acceptors => #{}},
            {ok, lists:foldl(fun(_, Acc) -> spawn_acceptor(Acc) end, S, lists:seq(1, Acceptors))};
        {error, Reason} ->
            {stop, {listen, Kind, Port, Reason}}
    end.

packet(tcp) -> line;
packet(http) -> http_bin.

handle_call(_Request, _From, S) -> {reply, {error, unknown_call}, S}.

handle_cast(_Msg, S) -> {noreply, S}.

handle_info({'EXIT', Pid, Reason}, #{acceptors := Accs} = S) when is_map_key(Pid, Accs) ->
    S2 = S#{acceptors := maps:remove(Pid, Accs)},
    case Reason of
        closed -> {stop, listen_socket_closed, S2};
        _ -> {noreply, spawn_acceptor(S2)}
    end;
handle_info({'EXIT', _Pid, Reason}, S) when Reason =/= normal ->
    {stop, Reason, S};
handle_info(_Msg, S) ->
    {noreply, S}.

terminate(_Reason, #{lsock := LSock}) ->
    gen_tcp:close(LSock).

spawn_acceptor(#{kind := Kind, lsock := LSock, max := Max, acceptors := Accs} = S) ->
    Pid = proc_lib:spawn_link(?MODULE, acceptor, [Kind, LSock, Max, self()]),
    S#{acceptors := Accs#{Pid => true}}.

acceptor(Kind, LSock, Max, Listener) ->
    wait_capacity(Kind, Max),
    case gen_tcp:accept(LSock) of
        {ok, Sock} ->
            hand_off(Kind, Sock),
            ?MODULE:acceptor(Kind, LSock, Max, Listener);
        {error, closed} ->
            exit(closed);
        {error, _} ->
            %% emfile, enfile, econnaborted...: a moment, then go on
            timer:sleep(10),
            ?MODULE:acceptor(Kind, LSock, Max, Listener)
    end.

wait_capacity(Kind, Max) ->
    case octochat_app:open_count(Kind) < Max of
        true -> ok;
        false -> timer:sleep(10), wait_capacity(Kind, Max)
    end.

hand_off(Kind, Sock) ->
    octochat_app:opened(Kind),
    case supervisor:start_child(sup(Kind), [Sock]) of
        {ok, Pid} ->
            _ = gen_tcp:controlling_process(Sock, Pid),
            Pid ! {go, Sock};
        _ ->
            octochat_app:closed(Kind),
            gen_tcp:close(Sock)
    end.

sup(tcp) -> octochat_conn_sup;
sup(http) -> octochat_http_sup.
