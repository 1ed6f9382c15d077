%% A chat room: one gen_server per room, started by octochat_rooms under octochat_room_sup.
%% Built twice from this source, with -DVSN=1 and -DVSN=2.
%%
%% Version 1 holds the room's name and its members (pid => name), monitoring each member;
%% a line a member says goes to every other member as "NAME: TEXT".
%% Version 2 also holds when each member joined (pid => ms since the epoch) and how many lines
%% were said; lines go out as "[HH:MM:SS] NAME: TEXT" (UTC), and `who` answers the line
%% "in ROOM: name1, name2" (names sorted, each once).
%%
%% release_handler changes the state with {update, octochat_room, {advanced, []}}: up from "1",
%% version 2's code_change("1", ...) adds the join times (now) and the count (0); down to "1",
%% version 2's code_change({down, "1"}, ...) drops them, before version 1's code is loaded (that
%% is the order of a downgrade of a dynamic module, see systools_rc). Each version also takes the
%% other's state in any callback: a room started between the suspension and the loading of the
%% code of an upgrade (or downgrade) is not code-changed by release_handler.
-module(octochat_room).
-behaviour(gen_server).
-if(?VSN >= 2).
-vsn("2").
-else.
-vsn("1").
-endif.
-export([start_link/1, join/3, leave/2, nick/3, say/3]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, code_change/3]).

-if(?VSN >= 2).
-record(room, {name :: binary(),
               members = #{} :: #{pid() => binary()},
               joined = #{} :: #{pid() => integer()},
               said = 0 :: non_neg_integer()}).
-else.
-record(room, {name :: binary(),
               members = #{} :: #{pid() => binary()}}).
-endif.

start_link(Name) -> gen_server:start_link(?MODULE, Name, []).

join(Room, Member, Nick) -> gen_server:cast(Room, {join, Member, Nick}).
leave(Room, Member) -> gen_server:cast(Room, {leave, Member}).
nick(Room, Member, Nick) -> gen_server:cast(Room, {nick, Member, Nick}).
say(Room, Member, Text) -> gen_server:cast(Room, {say, Member, Text}).

init(Name) -> {ok, #room{name = Name}}.

handle_call(Request, From, State) -> call(Request, From, norm(State)).

handle_cast(Msg, State) -> cast(Msg, norm(State)).

handle_info({'DOWN', _Ref, process, Pid, _Reason}, State) ->
    {noreply, remove(Pid, norm(State))};
handle_info(_Msg, State) ->
    {noreply, norm(State)}.

call(name, _From, #room{name = Name} = S) -> {reply, Name, S};
call(who, _From, S) -> who(S);
call(_Other, _From, S) -> {reply, {error, unknown_call}, S}.

cast({join, Pid, Nick}, S) -> {noreply, join_(Pid, Nick, S)};
cast({say, Pid, Text}, S) -> {noreply, say_(Pid, Text, S)};
cast({leave, Pid}, S) ->
    {noreply, remove(Pid, S)};
cast({nick, Pid, Nick}, #room{members = Members} = S) ->
    case is_map_key(Pid, Members) of
        true -> {noreply, S#room{members = Members#{Pid := Nick}}};
        false -> {noreply, S}
    end;
cast(_Other, S) ->
    {noreply, S}.

%% The line goes to every member but its sender.
broadcast(From, Line, Members) ->
    Bin = iolist_to_binary(Line),
    maps:foreach(fun(Pid, _) when Pid =:= From -> ok;
                    (Pid, _) -> octochat_conn:deliver(Pid, Bin)
                 end, Members).

-if(?VSN >= 2).
who(#room{name = Name, members = Members} = S) ->
    Names = lists:usort(maps:values(Members)),
    {reply, {ok, iolist_to_binary(["in ", Name, ": " | lists:join(", ", Names)])}, S}.

join_(Pid, Nick, #room{members = Members, joined = Joined} = S) ->
    is_map_key(Pid, Members) orelse erlang:monitor(process, Pid),
    Joined2 = case is_map_key(Pid, Joined) of
                  true -> Joined;
                  false -> Joined#{Pid => erlang:system_time(millisecond)}
              end,
    S#room{members = Members#{Pid => Nick}, joined = Joined2}.

say_(Pid, Text, #room{members = Members, said = Said} = S) ->
    broadcast(Pid, [clock(), maps:get(Pid, Members, <<"?">>), ": ", Text], Members),
    S#room{said = Said + 1}.
-else.
who(S) -> {reply, {error, unknown_call}, S}.

join_(Pid, Nick, #room{members = Members} = S) ->
    is_map_key(Pid, Members) orelse erlang:monitor(process, Pid),
    S#room{members = Members#{Pid => Nick}}.

say_(Pid, Text, #room{members = Members} = S) ->
    broadcast(Pid, [maps:get(Pid, Members, <<"?">>), ": ", Text], Members),
    S.
-endif.

-if(?VSN >= 2).
remove(Pid, #room{members = Members, joined = Joined} = S) ->
    S#room{members = maps:remove(Pid, Members), joined = maps:remove(Pid, Joined)}.

clock() ->
    {_, {H, M, S}} = calendar:system_time_to_universal_time(erlang:system_time(second), second),
    io_lib:format("[~2..0w:~2..0w:~2..0w] ", [H, M, S]).

%% Down to "1": drop the join times and the count (before version 1's code is loaded).
code_change({down, _ToVsn}, State, _Extra) ->
    {ok, to_v1(norm(State))};
%% Up from "1": every member joined now, as far as this version can tell; no line said yet.
code_change(_FromVsn, State, _Extra) ->
    {ok, norm(State)}.

%% A room's state in this version's shape, from version 1's or 2's.
norm(#room{} = S) -> S;
norm({room, Name, Members}) ->
    Now = erlang:system_time(millisecond),
    #room{name = Name, members = Members,
          joined = maps:map(fun(_, _) -> Now end, Members), said = 0}.

to_v1(#room{name = Name, members = Members}) -> {room, Name, Members}.
-else.
remove(Pid, #room{members = Members} = S) ->
    S#room{members = maps:remove(Pid, Members)}.

code_change(_Vsn, State, _Extra) ->
    {ok, norm(State)}.

%% A room's state in this version's shape, from version 1's or 2's.
norm(#room{} = S) -> S;
norm({room, Name, Members, _Joined, _Said}) -> #room{name = Name, members = Members}.
-endif.
