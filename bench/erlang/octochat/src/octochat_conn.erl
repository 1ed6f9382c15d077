%% One chat client's TCP connection: a gen_server that owns its socket ({packet, line},
%% {active, once}), started by an acceptor of octochat_listener under octochat_conn_sup. Built
%% twice from this source, with -DVSN=1 and -DVSN=2; its state has the same shape in both.
%%
%% On connect: named guestN, in room "lobby": "welcome, guestN; you are in lobby".
%%   /nick NAME  -> "you are NAME"          /join ROOM -> "you are in ROOM"
%%   /who (2)    -> "in ROOM: a, b"         /other ... -> "unknown command /other"
%%   any other line goes to the others in the room (octochat_room formats it).
-module(octochat_conn).
-behaviour(gen_server).
-if(?VSN >= 2).
-vsn("2").
-else.
-vsn("1").
-endif.
-export([start_link/1, deliver/2]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2, code_change/3]).

-record(conn, {sock :: gen_tcp:socket(),
               nick :: binary() | undefined,
               room_name :: binary() | undefined,
               room :: pid() | undefined}).

start_link(Sock) -> gen_server:start_link(?MODULE, Sock, []).

%% A line for the client of connection Conn (from its room).
deliver(Conn, Line) -> gen_server:cast(Conn, {line, Line}).

%% The acceptor makes this process the socket's owner, then sends {go, Sock}.
init(Sock) -> {ok, #conn{sock = Sock}}.

handle_call(_Request, _From, #conn{nick = Nick, room_name = RoomName} = S) ->
    {reply, {Nick, RoomName}, S}.

handle_cast({line, Line}, #conn{sock = Sock} = S) ->
    send(Sock, Line),
    {noreply, S};
handle_cast(_Msg, S) ->
    {noreply, S}.

handle_info({go, Sock}, #conn{sock = Sock, nick = undefined} = S) ->
    Nick = <<"guest", (integer_to_binary(octochat_app:next_guest()))/binary>>,
    Lobby = <<"lobby">>,
    Room = octochat_rooms:find(Lobby),
    octochat_room:join(Room, self(), Nick),
    send(Sock, [<<"welcome, ">>, Nick, <<"; you are in lobby">>]),
    active(S#conn{nick = Nick, room_name = Lobby, room = Room});
handle_info({tcp, Sock, Data}, #conn{sock = Sock} = S) ->
    active(line(strip(Data), S));
handle_info({tcp_closed, Sock}, #conn{sock = Sock} = S) ->
    {stop, normal, S};
handle_info({tcp_error, Sock, _Reason}, #conn{sock = Sock} = S) ->
    {stop, normal, S};
handle_info(_Msg, S) ->
    {noreply, S}.

terminate(_Reason, _S) ->
    octochat_app:closed(tcp).

code_change(_Vsn, S, _Extra) -> {ok, S}.

active(#conn{sock = Sock} = S) ->
    case inet:setopts(Sock, [{active, once}]) of
        ok -> {noreply, S};
        {error, _} -> {stop, normal, S}
    end.

line(<<"/join ", Rest/binary>> = Line, #conn{nick = Nick, room = Old, sock = Sock} = S) ->
    case trim(Rest) of
        <<>> -> other(Line, S);
        Name ->
            octochat_room:leave(Old, self()),
            Room = octochat_rooms:find(Name),
            %% The join is cast before the answer: whatever the client says after reading
            %% the answer reaches the room after the join.
            octochat_room:join(Room, self(), Nick),
            send(Sock, [<<"you are in ">>, Name]),
            S#conn{room_name = Name, room = Room}
    end;
line(<<"/nick ", Rest/binary>> = Line, #conn{room = Room, sock = Sock} = S) ->
    case trim(Rest) of
        <<>> -> other(Line, S);
        Nick ->
            octochat_room:nick(Room, self(), Nick),
            send(Sock, [<<"you are ">>, Nick]),
            S#conn{nick = Nick}
    end;
line(Line, S) ->
    other(Line, S).

-if(?VSN >= 2).
other(Line, #conn{sock = Sock, room = Room, room_name = RoomName} = S) ->
    case trim(Line) of
        <<"/who">> ->
            case catch gen_server:call(Room, who, 30000) of
                {ok, Who} -> send(Sock, Who);
                _ -> send(Sock, [<<"in ">>, RoomName, <<": ">>])
            end,
            S;
        _ ->
            command_or_say(Line, S)
    end.
-else.
other(Line, S) ->
    command_or_say(Line, S).
-endif.

command_or_say(<<"/", _/binary>> = Line, #conn{sock = Sock} = S) ->
    [Command | _] = binary:split(Line, <<" ">>),
    send(Sock, [<<"unknown command ">>, Command]),
    S;
command_or_say(Line, #conn{room = Room} = S) ->
    octochat_room:say(Room, self(), Line),
    S.

send(Sock, Line) ->
    case gen_tcp:send(Sock, [Line, $\n]) of
        ok -> ok;
        {error, _} -> exit(normal)
    end.

%% The line without its "\r\n" or "\n".
strip(Data) ->
    case byte_size(Data) of
        N when N >= 2, binary_part(Data, N - 2, 2) =:= <<"\r\n">> -> binary_part(Data, 0, N - 2);
        N when N >= 1, binary_part(Data, N - 1, 1) =:= <<"\n">> -> binary_part(Data, 0, N - 1);
        _ -> Data
    end.

%% Without leading and trailing white space.
trim(Bin) ->
    try string:trim(Bin) of
        T when is_binary(T) -> T;
        T -> unicode:characters_to_binary(T)
    catch _:_ -> ascii_trim(Bin)
    end.

ascii_trim(Bin) ->
    Ws = fun(C) -> C =:= $\s orelse C =:= $\t orelse C =:= $\r orelse C =:= $\n
                       orelse C =:= $\v orelse C =:= $\f
         end,
    L = lists:reverse(lists:dropwhile(Ws, lists:reverse(lists:dropwhile(Ws, binary_to_list(Bin))))),
    list_to_binary(L).
