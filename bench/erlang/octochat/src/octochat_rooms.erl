%% The registry of rooms (registered as octochat_rooms): finds a room by name, starting it under
%% octochat_room_sup the first time, and monitors each room, forgetting it when it ends.
-module(octochat_rooms).
-behaviour(gen_server).
-export([start_link/0, find/1, lookup/1, names/0]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

start_link() -> gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

%% The room named Name, started if need be.
find(Name) -> gen_server:call(?MODULE, {find, Name}, 30000).

%% {ok, Room} or error: the room named Name if it exists.
lookup(Name) -> gen_server:call(?MODULE, {lookup, Name}, 30000).

%% The names of the rooms, sorted.
names() -> gen_server:call(?MODULE, names, 30000).

%% State: #{rooms := #{Name => Pid}, monitors := #{Ref => Name}}.
init([]) -> {ok, #{rooms => #{}, monitors => #{}}}.

handle_call({find, Name}, _From, #{rooms := Rooms} = S) ->
    case maps:find(Name, Rooms) of
        {ok, Pid} ->
            case is_process_alive(Pid) of
                true -> {reply, Pid, S};
                false -> start_room(Name, S)
            end;
        error -> start_room(Name, S)
    end;
handle_call({lookup, Name}, _From, #{rooms := Rooms} = S) ->
    case maps:find(Name, Rooms) of
        {ok, Pid} ->
            case is_process_alive(Pid) of
                true -> {reply, {ok, Pid}, S};
                false -> {reply, error, S}
            end;
        error -> {reply, error, S}
    end;
handle_call(names, _From, #{rooms := Rooms} = S) ->
    {reply, lists:sort(maps:keys(Rooms)), S};
handle_call(_Other, _From, S) ->
    {reply, {error, unknown_call}, S}.

handle_cast(_Msg, S) -> {noreply, S}.

handle_info({'DOWN', Ref, process, Pid, _Reason}, #{rooms := Rooms, monitors := Mons} = S) ->
    case maps:take(Ref, Mons) of
        {Name, Mons2} ->
            Rooms2 = case maps:find(Name, Rooms) of
                         {ok, Pid} -> maps:remove(Name, Rooms);
                         _ -> Rooms
                     end,
            {noreply, S#{rooms := Rooms2, monitors := Mons2}};
        error -> {noreply, S}
    end;
handle_info(_Msg, S) -> {noreply, S}.

start_room(Name, #{rooms := Rooms, monitors := Mons} = S) ->
    {ok, Pid} = supervisor:start_child(octochat_room_sup, [Name]),
    Ref = erlang:monitor(process, Pid),
    {reply, Pid, S#{rooms := Rooms#{Name => Pid}, monitors := Mons#{Ref => Name}}}.
