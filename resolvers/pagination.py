"""Relay connections: `first`/`after` checks, opaque cursors, and pages cut to size.

A cursor is the URL-safe base64 of the JSON sort key of a row (customers: `[id]`;
interactions: `[epochSeconds, nanosecond, id]`). Queries ask for `first + 1` rows so the
extra row tells whether a next page exists.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic

from core.errors import BadUserInput
from core.settings import Settings
from graph.paging import Page
from graph.rows import NodeT


def check_first(first: int | None, settings: Settings, field: str = "first") -> int:
    """The page size asked for (`first`, or `last`); must be 0..max_page_size."""
    limit = settings.max_page_size
    if first is None or not 0 <= first <= limit:
        raise BadUserInput(field, f"must be between 0 and {limit}, got {first}")
    return first


def encode_cursor(key: list[Any]) -> str:
    text = json.dumps(key, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def decode_cursor(after: str | None, *shape: type) -> list[Any] | None:
    """The sort key inside `after`, checked against the connection's key shape (types;
    `object`: any JSON value)."""
    if after is None:
        return None
    try:
        key = json.loads(base64.b64decode(after.encode("ascii"), altchars=b"-_", validate=True))
    except (ValueError, UnicodeError, binascii.Error):
        key = None
    valid = (
        isinstance(key, list)
        and len(key) == len(shape)
        # bool is an int in Python but never part of a key
        and all(kind is object or type(part) is kind for part, kind in zip(key, shape, strict=True))
        and all(-(2**63) <= part < 2**63 for part in key if type(part) is int)  # Neo4j's range
    )
    if not valid:
        raise BadUserInput("after", f"{after!r} is not a cursor of this connection")
    assert isinstance(key, list)
    return key


@dataclass(frozen=True)
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@dataclass(frozen=True)
class EdgePage(Generic[NodeT]):
    """A page cut to size, ready for a GraphQL connection."""

    edges: list[Edge[NodeT]]
    has_next_page: bool
    total_count: int
    has_previous_page: bool = False

    @property
    def start_cursor(self) -> str | None:
        return self.edges[0].cursor if self.edges else None

    @property
    def end_cursor(self) -> str | None:
        return self.edges[-1].cursor if self.edges else None


def edge_page(page: Page[NodeT], first: int, *, has_previous_page: bool = False) -> EdgePage[NodeT]:
    """`page` was fetched with limit `first + 1`; the extra row means there is a next page."""
    edges = [Edge(encode_cursor(row["key"]), row["node"]) for row in page.rows[:first]]
    return EdgePage(
        edges,
        has_next_page=len(page.rows) > first,
        total_count=page.total,
        has_previous_page=has_previous_page,
    )
