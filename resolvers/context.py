"""What every resolver sees: the request, who sent it, the graph, this request's loaders,
the settings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.websockets import WebSocket

from core.errors import Unauthenticated
from core.observe import Metrics
from core.settings import Settings
from graph.changes import ChangeFeed
from graph.db import Graph
from graph.loaders import Loaders
from security.roles import Principal


@dataclass
class Context:
    """One per GraphQL request (or subscription socket); `loaders` cache only within it."""

    graph: Graph
    settings: Settings
    request: Request | WebSocket | None = None
    events: ChangeFeed | None = None  # the server's change feed (subscriptions)
    # Who sent the request (None: no valid token, and `auth_error` says why).
    principal: Principal | None = None
    auth_error: Unauthenticated | None = None
    # The server's metrics (None outside `c360 serve`: tests, the CLI).
    metrics: Metrics | None = None
    # A subscription socket's connection_init payload (graphql-transport-ws).
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)
    # The document or its variables were refused before any field ran (a GraphQL request
    # error: the HTTP layer answers 400 to clients that accept graphql-response+json).
    request_error: bool = False
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # For the request's log line and metrics: its type and first root field ("query
    # customer"; "none" before a document is known), and the codes of the errors it sent.
    operation: str = "none"
    error_codes: list[str] = field(default_factory=list)
    # "now" for the whole request (segments evaluated without asOf all use this one moment)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.graph)


Info = strawberry.Info[Context, None]
