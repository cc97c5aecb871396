"""Relay connections: `Connection[Customer]` is served as CustomerConnection (with
CustomerEdge), and so on for every node type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.pagination import EdgePage

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")


@strawberry.type(description="Where a page sits in its connection (Relay).")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = strawberry.field(
        default=False,
        description="Paging backward (last/before): whether items come before this page; "
        "paging forward: whether the page started after a cursor.",
    )
    start_cursor: str | None = None

    @classmethod
    def of(cls, page: EdgePage[Any]) -> PageInfo:
        return cls(
            has_next_page=page.has_next_page,
            end_cursor=page.end_cursor,
            has_previous_page=page.has_previous_page,
            start_cursor=page.start_cursor,
        )


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type(description="A page of a list: `first` items after the cursor `after`.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Items in the whole list, not the page.")

    @classmethod
    def of(cls, page: EdgePage[RowT], node: Callable[[RowT], NodeT]) -> Connection[NodeT]:
        return cls(
            edges=[Edge(cursor=edge.cursor, node=node(edge.node)) for edge in page.edges],
            page_info=PageInfo.of(page),
            total_count=page.total_count,
        )
