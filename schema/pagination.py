"""PageInfo, shared by every Relay connection."""

from __future__ import annotations

import strawberry

from resolvers.pagination import Connection


@strawberry.type(description="Where a page sits in its connection (Relay).")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = strawberry.field(
        default=False, description="Always false: connections page forward only."
    )
    start_cursor: str | None = None

    @classmethod
    def of(cls, page: Connection) -> PageInfo:
        return cls(
            has_next_page=page.has_next_page,
            end_cursor=page.end_cursor,
            start_cursor=page.start_cursor,
        )
