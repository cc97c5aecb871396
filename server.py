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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http.ides import get_graphql_ide_html
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from graph.db import Graph, open_graph
from graph.errors import GraphUnavailable
from graph.event_feed import TagEventFeed
from graph.settings import Settings
from graph.tag_rules import run_rules
from schema.context import Context
from schema.root import schema

READY_TIMEOUT_S = 3.0  # /readyz gives up on Neo4j after this long


# GraphiQL's scripts and styles, installed from npm by scripts/bootstrap (web/package.json)
# and served by c360 itself, so the playground works on a closed network.
VENDOR_DIR = Path(__file__).resolve().parent / "web" / "node_modules"
# The customer map page (web/map: plain HTML and JS drawing with cytoscape from /vendor).
MAP_DIR = Path(__file__).resolve().parent / "web" / "map"
_UNPKG = re.compile(r"https://unpkg\.com/((?:@[^/@\"]+/)?[^/@\"]+)@[^/\"]+/")
log = logging.getLogger("c360.server")


def local_graphiql_html() -> str:
    """Strawberry's GraphiQL page with every unpkg.com URL pointed at /vendor/ (same files,
    same versions, so the page's integrity hashes still hold)."""
    html = get_graphql_ide_html(graphql_ide="graphiql")
    missing = [package for package in _UNPKG.findall(html) if not (VENDOR_DIR / package).is_dir()]
    if missing:
        log.warning(
            "GraphiQL assets missing under %s (%s): run scripts/bootstrap; "
            "the playground loads them from unpkg.com meanwhile",
            VENDOR_DIR,
            missing,
        )
        return html
    return _UNPKG.sub(r"/vendor/\1/", html)


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with c360's context (the process's Graph, fresh loaders)."""

    @cached_property
    def graphql_ide_html(self) -> str:
        return local_graphiql_html()

    def __init__(self, settings: Settings) -> None:
        super().__init__(schema, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        self.settings = settings

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        graph: Graph = request.app.state.graph
        events: TagEventFeed = request.app.state.events
        return Context(graph=graph, settings=self.settings, request=request, events=events)


async def healthz(request: Request) -> JSONResponse:
    """The process is up (never touches Neo4j)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Neo4j answers a query: 200, else 503 with the reason."""
    graph: Graph = request.app.state.graph
    try:
        async with asyncio.timeout(READY_TIMEOUT_S):
            await graph.read("api/ping")
    except TimeoutError:
        reason = f"Neo4j did not answer within {READY_TIMEOUT_S:g} s"
    except GraphUnavailable as e:
        reason = e.message
    else:
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)


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


def create_app(settings: Settings | None = None) -> Starlette:
    """The app for these settings (default: from the environment)."""
    settings = settings or Settings()
    graphql = GraphQLApp(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.graph = await open_graph(settings)
        app.state.events = TagEventFeed(app.state.graph, settings.event_poll_s)
        tasks = [asyncio.create_task(app.state.events.run(), name="tag event feed")]
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

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            Mount("/vendor", StaticFiles(directory=VENDOR_DIR, check_dir=False), name="vendor"),
            Mount("/map", StaticFiles(directory=MAP_DIR, html=True), name="map"),
        ],
        lifespan=lifespan,
    )
