%% One HTTP connection: a gen_server that owns its socket ({packet, http_bin}, {active, once})
%% and answers requests one after the other until the client closes or asks to
%% (HTTP/1.1 keep-alive; "Connection: close"; HTTP/1.0 closes unless "Connection: keep-alive").
%% Built twice from this source, with -DVSN=1 and -DVSN=2 (an upgrade loads it: a process idle
%% between requests runs none of its code, and the next request runs the new code).
%%
%%   GET /rooms          200, the rooms' names, sorted, each followed by "\n"
%%   GET /rooms/NAME (2) 200, the room's /who line and "\n"; 404 if there is no such room
%%   anything else       404
-module(octochat_http).
-behaviour(gen_server).
-if(?VSN >= 2).
-vsn("2").
-else.
-vsn("1").
-endif.
-export([start_link/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2, code_change/3]).

-define(MAX_BODY, 1048576).

start_link(Sock) -> gen_server:start_link(?MODULE, Sock, []).

%% State: the socket and the request being read (undefined between requests).
init(Sock) -> {ok, #{sock => Sock, req => undefined}}.

handle_call(_Request, _From, S) -> {reply, {error, unknown_call}, S}.

handle_cast(_Msg, S) -> {noreply, S}.

handle_info({go, Sock}, #{sock := Sock} = S) ->
    active(S);
handle_info({http, Sock, {http_request, Method, Uri, Vsn}}, #{sock := Sock} = S) ->
    Req = #{method => Method, uri => Uri, vsn => Vsn, connection => <<>>,
            length => 0, chunked => false},
    active(S#{req := Req});
handle_info({http, Sock, {http_header, _, Field, _, Value}}, #{sock := Sock, req := Req} = S)
  when is_map(Req) ->
    active(S#{req := header(Field, Value, Req)});
handle_info({http, Sock, http_eoh}, #{sock := Sock, req := Req} = S) when is_map(Req) ->
    request(Req, S#{req := undefined});
handle_info({http, Sock, _Other}, #{sock := Sock} = S) ->
    %% {http_error, Line}, or a header before any request line
    respond(Sock, 400, <<"bad request\n">>, true),
    {stop, normal, S};
handle_info({tcp_closed, Sock}, #{sock := Sock} = S) ->
    {stop, normal, S};
handle_info({tcp_error, Sock, _Reason}, #{sock := Sock} = S) ->
    {stop, normal, S};
handle_info(_Msg, S) ->
    {noreply, S}.

terminate(_Reason, #{sock := Sock}) ->
    octochat_app:closed(http),
    gen_tcp:close(Sock).

code_change(_Vsn, S, _Extra) -> {ok, S}.

active(#{sock := Sock} = S) ->
    case inet:setopts(Sock, [{active, once}]) of
        ok -> {noreply, S};
        {error, _} -> {stop, normal, S}
    end.

header('Connection', Value, Req) -> Req#{connection := string:lowercase(Value)};
header('Content-Length', Value, Req) ->
    case catch binary_to_integer(string:trim(Value)) of
        N when is_integer(N), N >= 0 -> Req#{length := N};
        _ -> Req#{length := -1}
    end;
header('Transfer-Encoding', _Value, Req) -> Req#{chunked := true};
header(_Field, _Value, Req) -> Req.

request(#{method := Method, uri := Uri, vsn := Vsn, connection := Conn, length := Length,
          chunked := Chunked}, #{sock := Sock} = S) ->
    Tokens = [string:trim(T) || T <- binary:split(Conn, <<",">>, [global])],
    KeepAlive = case Vsn of
                    {1, 0} -> lists:member(<<"keep-alive">>, Tokens);
                    {0, _} -> false;
                    _ -> not lists:member(<<"close">>, Tokens)
                end,
    %% A body is read and dropped; one that cannot be read so ends the connection.
    BodyRead = Length =:= 0 orelse (Length > 0 andalso Length =< ?MAX_BODY andalso
                                    skip_body(Sock, Length)),
    Close = not KeepAlive orelse Chunked orelse not BodyRead,
    {Code, Body} = try route(Method, path(Uri))
                   catch _:_ -> {500, <<"internal error\n">>}
                   end,
    case respond(Sock, Code, Body, Close, Vsn =:= {1, 0} andalso not Close) of
        ok when not Close -> active(S);
        _ -> {stop, normal, S}
    end.

skip_body(Sock, Length) ->
    ok =:= inet:setopts(Sock, [{packet, raw}]) andalso
        element(1, gen_tcp:recv(Sock, Length, 30000)) =:= ok andalso
        ok =:= inet:setopts(Sock, [{packet, http_bin}]).

path({abs_path, Path}) -> hd(binary:split(Path, <<"?">>));
path(_) -> undefined.

route('GET', <<"/rooms">>) ->
    {200, [[Name, $\n] || Name <- octochat_rooms:names()]};
route('GET', <<"/rooms/", Encoded/binary>>) when Encoded =/= <<>> ->
    room(Encoded);
route(_Method, _Path) ->
    {404, <<"not found\n">>}.

-if(?VSN >= 2).
room(Encoded) ->
    %% (OTP 25's percent_decode throws its error on a bad escape.)
    case catch uri_string:percent_decode(Encoded) of
        Name when is_binary(Name) ->
            Who = case octochat_rooms:lookup(Name) of
                      {ok, Room} -> catch gen_server:call(Room, who, 30000);
                      error -> error
                  end,
            case Who of
                {ok, Line} -> {200, [Line, $\n]};
                _ -> {404, [<<"no room ">>, Name, $\n]}
            end;
        _ ->
            {404, <<"not found\n">>}
    end.
-else.
room(_Encoded) ->
    {404, <<"not found\n">>}.
-endif.

respond(Sock, Code, Body, Close) ->
    respond(Sock, Code, Body, Close, false).

respond(Sock, Code, Body, Close, KeepAlive10) ->
    gen_tcp:send(Sock, [<<"HTTP/1.1 ">>, integer_to_binary(Code), $\s, reason(Code),
                        <<"\r\nContent-Type: text/plain\r\nContent-Length: ">>,
                        integer_to_binary(iolist_size(Body)), <<"\r\n">>,
                        if Close -> <<"Connection: close\r\n">>;
                           KeepAlive10 -> <<"Connection: keep-alive\r\n">>;
                           true -> <<>>
                        end,
                        <<"\r\n">>, Body]).

reason(200) -> <<"OK">>;
reason(400) -> <<"Bad Request">>;
reason(404) -> <<"Not Found">>;
reason(500) -> <<"Internal Server Error">>.
