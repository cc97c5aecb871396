"""What every resolver sees: the request, the graph, this request's loaders, the settings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import strawberry
from starlette.requests import Request
from starlette.websockets import WebSocket

from graph.db import Graph
from graph.event_feed import TagEventFeed
from graph.loaders import Loaders
from graph.settings import Settings


@dataclass
class Context:
    """One per GraphQL request (or subscription socket); `loaders` cache only within it."""

    graph: Graph
    settings: Settings
    request: Request | WebSocket | None = None
    events: TagEventFeed | None = None  # the server's tag event feed (subscriptions)
    loaders: Loaders = field(init=False)
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # "now" for the whole request (segments evaluated without asOf all use this one moment)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.graph)


Info = strawberry.Info[Context, None]
