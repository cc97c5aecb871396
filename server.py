"""The ASGI app: GraphQL (and GraphiQL) at /graphql, health at /healthz and /readyz.

Run it with `c360 serve`, or `uvicorn server:create_app --factory`. The lifespan opens one
Graph (one Neo4j driver) per process and closes it on shutdown; requests reach it through
the GraphQL context. The driver checks pooled connections and retries, so the app rides out
a restart of Neo4j: /readyz answers 503 while Neo4j is away and 200 once it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
import time
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import cached_property
from typing import Any, cast

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.ides import get_graphql_ide_html
from strawberry.http.streaming import HTTPStreamTransport
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)
from strawberry.types import ExecutionResult, SubscriptionExecutionResult
from strawberry.types.unset import UNSET, UnsetType
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from core import package_data, tracing
from core.errors import GraphUnavailable, Unauthenticated
from core.observe import Metrics, RequestRecord, error_codes
from core.settings import Settings
from graph.analytics.guide import browser_guide
from graph.changes import ChangeFeed
from graph.db import Graph, counting_round_trips, open_graph
from graph.deadline import within
from graph.rules import webhooks
from graph.rules.tag_rules import run_rules
from resolvers.context import Context
from schema.fast_reads import fast_lane
from schema.root import make_schema
from security.tokens import TokenVerifier

READY_TIMEOUT_S = 3.0  # /readyz gives up on Neo4j after this long
# GraphQL over HTTP's own media type: request errors get a 4xx with it (plain JSON stays 200).
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


# GraphiQL's scripts and styles and cytoscape, the npm files listed in web/package.json and
# served by c360 itself (the `web` package's data), so the pages work on a closed network.
VENDOR_DIR = package_data.directory("web", "vendor")
# The customer map page (plain HTML and JS drawing with cytoscape from /vendor).
MAP_DIR = package_data.directory("web", "map")
_UNPKG = re.compile(r"https://unpkg\.com/((?:@[^/@\"]+/)?[^/@\"]+)@[^/\"]+/([^\"]+)")
log = logging.getLogger("c360.server")


# GraphiQL introspects as it opens, before anyone can type a header: the page takes the token
# first, from a `#token=` link (`c360 serve` prints one to a terminal) or from the token the
# map page keeps (localStorage `c360.token`), and sends it with every request, the first
# introspection included. The fragment never reaches the server or the history.
GRAPHIQL_TOKEN = """const defaultHeaders = {};
      const c360Token = (function () {
        const found = /(?:^#|&)token=([^&]*)/.exec(window.location.hash);
        if (found) {
          localStorage.setItem("c360.token", decodeURIComponent(found[1]));
          history.replaceState(null, "", window.location.pathname + window.location.search);
        }
        return localStorage.getItem("c360.token");
      })();
      if (c360Token) {
        defaultHeaders["Authorization"] = "Bearer " + c360Token;
      }"""


def local_graphiql_html() -> str:
    """Strawberry's GraphiQL page with every unpkg.com URL pointed at /vendor/ (same files,
    same versions, so the page's integrity hashes still hold), taking the token before it
    introspects (GRAPHIQL_TOKEN)."""
    html = get_graphql_ide_html(graphql_ide="graphiql")
    if "const defaultHeaders = {};" in html:
        html = html.replace("const defaultHeaders = {};", GRAPHIQL_TOKEN, 1)
    else:
        log.warning("GraphiQL's page changed: it will not take the token from #token=")
    files = [f"{package}/{path}" for package, path in _UNPKG.findall(html)]
    missing = [name for name in files if not (VENDOR_DIR / name).is_file()]
    if missing:
        log.warning(
            "GraphiQL assets missing under %s (%s): run scripts/vendor_web.py; "
            "the playground loads them from unpkg.com meanwhile",
            VENDOR_DIR,
            missing,
        )
        return html
    return _UNPKG.sub(r"/vendor/\1/\2", html)


def prefers_graphql_response_json(accept: str) -> bool:
    """Whether an Accept header ranks application/graphql-response+json above plain JSON
    (by q, then by order). No Accept, or one without it, means application/json."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media_type, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type.lower() in (GRAPHQL_RESPONSE_JSON, "application/json") and quality > 0:
            ranked.append((-quality, position, media_type.lower()))
    return bool(ranked) and min(ranked)[2] == GRAPHQL_RESPONSE_JSON


HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
}


def error_response(status: int, reason: str) -> JSONResponse:
    """A request refused before GraphQL saw it, as a GraphQL response with a coded error."""
    code = HTTP_CODES.get(status, "BAD_REQUEST")
    body = {"errors": [{"message": reason, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status)


async def errors_as_results(
    stream: AsyncGenerator[ExecutionResult, None],
) -> AsyncGenerator[ExecutionResult, None]:
    """A streamed operation whose document does not parse: strawberry raises the syntax
    error out of the stream (a broken response and a traceback); the client gets it as the
    stream's one result instead."""
    async with contextlib.aclosing(stream):
        try:
            async for result in stream:
                yield result
        except GraphQLError as error:
            yield ExecutionResult(data=None, errors=[error])


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with c360's context (the process's Graph, fresh loaders, the
    principal of the request's bearer token)."""

    @cached_property
    def graphql_ide_html(self) -> str:
        return local_graphiql_html()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def _get_stream_transport_from_headers(
        self, headers: Mapping[str, str]
    ) -> HTTPStreamTransport | None:
        """Strawberry parses the Accept header for SSE and multipart on every request (5% of a
        customer-360 request, profiled); only a header that names one of them needs it."""
        accept = headers.get("accept", "")
        if "multipart/mixed" not in accept and "text/event-stream" not in accept:
            return None
        return super()._get_stream_transport_from_headers(headers)

    def encode_json(self, data: object) -> str:
        """orjson: several times faster than the standard library on large results. Text,
        not bytes: WebSocket messages must go out as text frames (graphql-transport-ws)."""
        return orjson.dumps(data).decode()

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            make_schema(settings),
            # WebSockets, and over plain HTTP: multipart (Apollo's, GraphiQL's) and SSE
            subscription_protocols=(
                GRAPHQL_TRANSPORT_WS_PROTOCOL,
                MULTIPART_SUBSCRIPTION_PROTOCOL,
                GRAPHQL_SSE_PROTOCOL,
            ),
        )
        self.settings = settings
        self.tokens = TokenVerifier(settings)  # a bad key configuration fails here, at start
        self.metrics = Metrics()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        graph: Graph = request.app.state.graph
        events: ChangeFeed = request.app.state.events
        context = Context(
            graph=graph, settings=self.settings, request=request, events=events,
            metrics=self.metrics,
        )  # fmt: skip
        await self.authenticate(context, request.headers.get("authorization"))
        return context

    async def run(  # type: ignore[override]
        self,
        request: Request | WebSocket,
        context: Context | UnsetType = UNSET,
        root_value: UnsetType | None = UNSET,
    ) -> Response | WebSocket:
        """Strawberry's request handling, answered as GraphQL over HTTP asks: in
        application/graphql-response+json when the client prefers it, with 400 for a request
        error (a document that does not parse or validate, variables that do not coerce), and
        401 for a request without a valid token, before its document is even parsed."""
        if isinstance(request, WebSocket):
            try:
                return await super().run(request, context, root_value)  # type: ignore[arg-type]
            finally:  # the socket is over: its token's expiry no longer matters
                if (expiry := getattr(request.state, "expiry", None)) is not None:
                    expiry.cancel()
        if isinstance(context, UnsetType):
            context = await self.get_context(request, Response())
        request.state.graphql_context = context
        response: Response
        if self.should_render_graphql_ide(self.request_adapter_class(request)):
            return await super().run(request, context, root_value)  # type: ignore[arg-type]
        started = time.perf_counter()
        with (
            tracing.span("graphql", "SERVER", **{"c360.request_id": context.request_id}) as span,
            counting_round_trips(keep_statements=False) as round_trips,
        ):
            response = await self._answer(request, context, root_value)
            if span is not None:
                span.update_name(f"graphql {context.operation}")
                span.set_attribute("c360.round_trips", round_trips.count)
                if context.error_codes:
                    span.set_attribute("c360.error_code", context.error_codes[0])
        RequestRecord(
            request_id=context.request_id,
            subject=context.principal.subject if context.principal else None,
            operation=context.operation,
            seconds=time.perf_counter() - started,
            round_trips=round_trips.count,
            error_codes=context.error_codes,
        ).observed(self.metrics)
        if (
            response.media_type == "application/json"
            and not isinstance(response, StreamingResponse)
            and prefers_graphql_response_json(request.headers.get("accept", ""))
        ):
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
            if context.request_error:
                response.status_code = 400
        return response

    async def _answer(self, request: Request, context: Context, root_value: Any) -> Response:
        if context.principal is None:
            # Refused before the document is parsed or validated: no work for an anonymous
            # caller, and nothing about the schema (no "Did you mean ...?").
            error = context.auth_error or Unauthenticated("no bearer token")
            context.error_codes.append(error.code)
            response = error_response(401, error.message)
            response.headers["www-authenticate"] = "Bearer"
            return response
        try:
            answered: Response = await super().run(request, context, root_value)
            return answered
        except HTTPException as refused:  # no GraphQL request in it: bad JSON, a PUT...
            response = error_response(refused.status_code, refused.reason)
            context.error_codes.append(HTTP_CODES.get(refused.status_code, "BAD_REQUEST"))
            return response

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """A document the fast path answered before goes straight to it (fast_reads.fast_lane);
        anything else, or anything it does not answer, through Strawberry's execution."""
        with within(self.settings.request_timeout_s):
            answered = await fast_lane(
                self.schema, request_data.query, request_data.operation_name,
                request_data.variables, context,
            )  # fmt: skip
            if answered is not None:
                return answered
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )

    async def execute_operation(
        self, *args: Any, **kwargs: Any
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        result = await super().execute_operation(*args, **kwargs)
        if isinstance(result, AsyncGenerator):  # a stream (SSE or multipart)
            return cast(SubscriptionExecutionResult, errors_as_results(result))
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """A request error's response has no `data` entry (nothing was executed)."""
        response = await super().process_result(request, result)
        context = getattr(request.state, "graphql_context", None)
        if isinstance(context, Context):
            context.error_codes.extend(error_codes(result.errors))
            if context.request_error:
                response.pop("data", None)
        return response

    async def authenticate(self, context: Context, authorization: str | None) -> None:
        try:
            context.principal = await self.tokens.principal(authorization)
        except Unauthenticated as e:
            context.auth_error = e

    async def on_ws_connect(self, context: Context) -> UnsetType:
        """A subscription socket carries its token in the upgrade request's Authorization
        header or in connection_init's payload; without a valid one it is closed (4403)."""
        if context.principal is None:
            authorization = (context.connection_params or {}).get("Authorization")
            await self.authenticate(
                context, authorization if isinstance(authorization, str) else None
            )
        if context.principal is None or not context.principal.roles:
            log.info("subscription refused: %s", context.auth_error or "no c360 role")
            raise ConnectionRejectionError
        if context.principal.expires is not None and isinstance(context.request, WebSocket):
            ws = context.request
            delay = max(0.0, context.principal.expires - time.time())
            ws.state.expiry = asyncio.get_running_loop().call_later(
                delay, lambda: asyncio.ensure_future(close_expired(ws))
            )
        ack: UnsetType = UNSET  # a plain connection_ack
        return ack


TOKEN_EXPIRED = 4403  # graphql-transport-ws's "Forbidden" close code


async def close_expired(ws: WebSocket) -> None:
    """A subscription socket whose token expired closes (4403): its subscriptions end and
    nothing more is served on it; the client reconnects with a fresh token."""
    log.info("closing a subscription socket: its token expired")
    with contextlib.suppress(RuntimeError, OSError):  # it closed meanwhile
        await ws.close(code=TOKEN_EXPIRED, reason="the bearer token has expired")


# Neo4j Browser fetches a guide from its own origin with `pragma` and `cache-control` headers:
# a preflighted cross-origin request. The guide is the public analytics library, no data.
GUIDE_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "pragma, cache-control, content-type",
    "Access-Control-Max-Age": "600",
}


async def analytics_guide(request: Request) -> Response:
    """The analytics library as a Neo4j Browser guide (graph/analytics/guide.py)."""
    if request.method == "OPTIONS":
        return Response(status_code=204, headers=GUIDE_HEADERS)
    return HTMLResponse(browser_guide(), headers=GUIDE_HEADERS)


async def healthz(request: Request) -> JSONResponse:
    """The process is up (never touches Neo4j)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Neo4j answers a query: 200, else 503 with the reason."""
    graph: Graph = request.app.state.graph
    try:
        async with asyncio.timeout(READY_TIMEOUT_S):
            await graph.read("ping")
    except TimeoutError:
        reason = f"Neo4j did not answer within {READY_TIMEOUT_S:g} s"
    except GraphUnavailable as e:
        reason = e.message
    else:
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)


async def neo4j_answers(graph: Graph) -> bool:
    try:
        async with asyncio.timeout(READY_TIMEOUT_S):
            await graph.read("ping")
    except (TimeoutError, GraphUnavailable):
        return False
    return True


def metrics_endpoint(metrics: Metrics) -> Any:
    """GET /metrics: Prometheus text format, no token (operations.md). Neo4j is asked
    whether it answers at each scrape."""

    async def scrape(request: Request) -> Response:
        metrics.neo4j_up.set(1 if await neo4j_answers(request.app.state.graph) else 0)
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return scrape


async def run_rules_every(graph: Graph, seconds: float) -> None:
    """Run the tag rules now and then every `seconds`; a failed run is logged, not fatal."""
    while True:
        try:
            runs = await run_rules(graph)
            added, removed = sum(r.added for r in runs), sum(r.removed for r in runs)
            log.info(
                "tag rules: %d ran, %d assignments added, %d removed", len(runs), added, removed
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("tag rules: the run failed; next try in %s s", seconds, exc_info=True)
        await asyncio.sleep(seconds)


class NoDelayHttpTools(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol (httptools, the C parser) with TCP_NODELAY on every
    connection. asyncio sets it only on sockets whose protocol number is TCP's, and the socket
    uvicorn binds for `--workers` has protocol 0: without this, a small response (written as
    headers, then body) waited for the client's delayed ACK, ~40 ms a request on keep-alive
    connections (measured)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


class BodyLimit:
    """ASGI wrapper: a request body over `limit` bytes is refused with 413 before the app
    parses it (declared by Content-Length, or counted while it streams in)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self.too_large(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await self.too_large(scope, receive, send)

    async def too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        reason = f"the request body is over {self.limit:,} bytes (C360_MAX_BODY_BYTES)"
        await error_response(413, reason)(scope, receive, send)


class BodyTooLarge(Exception):
    pass


class CancelOnDisconnect:
    """ASGI wrapper: a client that goes away before its response is complete cancels its
    request, and with it the request's Cypher (a cancelled driver call closes its connection,
    and Neo4j rolls back the transactions of a closed connection). ASGI servers do not cancel
    an app on disconnect; they only report it to the next `receive()`.

    Only a request still running after `WATCH_AFTER_S` is watched (a task waiting on
    `receive()`): most requests are answered sooner, and a watcher for each cost 6% of a
    customer-360 request's CPU (profiled)."""

    WATCH_AFTER_S = 0.05

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = asyncio.current_task()
        assert request is not None
        body_read = complete = disconnected = False
        watcher: asyncio.Task[None] | None = None

        async def receive_body() -> Message:
            nonlocal body_read
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_read = True
            return message

        async def send_tracked(message: Message) -> None:
            nonlocal complete
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                complete = True
            await send(message)

        async def watch() -> None:
            nonlocal disconnected
            while (await receive())["type"] != "http.disconnect":
                pass
            if not complete:
                disconnected = True
                log.info("the client disconnected: its request is cancelled")
                request.cancel()

        loop = asyncio.get_running_loop()
        timer: asyncio.TimerHandle

        def start_watching() -> None:
            nonlocal watcher, timer
            if complete:
                return
            if not body_read:  # still reading it: the app itself sees a disconnect; later
                timer = loop.call_later(self.WATCH_AFTER_S, start_watching)
                return
            watcher = asyncio.ensure_future(watch())

        timer = loop.call_later(self.WATCH_AFTER_S, start_watching)
        try:
            await self.app(scope, receive_body, send_tracked)
        except asyncio.CancelledError:
            if not disconnected:
                raise
            request.uncancel()  # the cancellation was ours: the client is gone
        finally:
            timer.cancel()
            if watcher is not None:
                watcher.cancel()


def create_app(settings: Settings | None = None) -> Starlette:
    """The app for these settings (default: from the environment)."""
    settings = settings or Settings()
    tracing.configure()  # before the schema: its resolver spans exist only while tracing
    graphql = GraphQLApp(settings)
    body_limited_graphql = BodyLimit(CancelOnDisconnect(graphql), settings.max_body_bytes)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.graph = await open_graph(settings)
        app.state.events = ChangeFeed(
            app.state.graph,
            settings.event_poll_s,
            on_subscribers=graphql.metrics.subscriptions.set,
            retention_days=settings.change_retention_days,
        )
        tasks = [asyncio.create_task(app.state.events.run(), name="tag event feed")]
        webhook_sender = webhooks.sender(app.state.graph, settings)
        if webhook_sender is not None:
            tasks.append(asyncio.create_task(webhook_sender.run(), name="webhooks"))
        if settings.rules_every_s:
            rules = run_rules_every(app.state.graph, settings.rules_every_s)
            tasks.append(asyncio.create_task(rules, name="tag rules"))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await app.state.graph.close()
            tracing.shutdown()

    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    cors = Middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "Accept"],
        max_age=600,
    )
    return Starlette(
        middleware=[cors] if origins else [],  # none configured: no cross-origin access
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics_endpoint(graphql.metrics), methods=["GET"]),
            Route("/graphql", body_limited_graphql),
            WebSocketRoute("/graphql", graphql),
            Mount("/vendor", StaticFiles(directory=VENDOR_DIR, check_dir=False), name="vendor"),
            Mount("/map", StaticFiles(directory=MAP_DIR, html=True), name="map"),
            Route("/guide/analytics", analytics_guide, methods=["GET", "OPTIONS"]),
        ],
        lifespan=lifespan,
    )
