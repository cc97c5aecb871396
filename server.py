"""The ASGI app: GraphQL (and GraphiQL) at /graphql, health at /healthz and /readyz.

Run it with `c360 serve`, or `uvicorn server:create_app --factory`. The lifespan opens one
Graph (one Neo4j driver) per process and closes it on shutdown; requests reach it through
the GraphQL context. The driver checks pooled connections and retries, so the app rides out
a restart of Neo4j: /readyz answers 503 while Neo4j is away and 200 once it is back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from graph.db import Graph, open_graph
from graph.errors import GraphUnavailable
from graph.settings import Settings
from schema.context import Context
from schema.root import schema

READY_TIMEOUT_S = 3.0  # /readyz gives up on Neo4j after this long


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with c360's context (the process's Graph, fresh loaders)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(schema, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        self.settings = settings

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        graph: Graph = request.app.state.graph
        return Context(graph=graph, settings=self.settings, request=request)


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


def create_app(settings: Settings | None = None) -> Starlette:
    """The app for these settings (default: from the environment)."""
    settings = settings or Settings()
    graphql = GraphQLApp(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.graph = await open_graph(settings)
        try:
            yield
        finally:
            await app.state.graph.close()

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
