"""Pages of a list as the graph layer hands them up, and the key of a page under a parent.

A paged query returns `rows` (each `{key: [sort key], node: {...}}`, up to the limit asked)
and `total`, the size of the whole list; the API cuts the rows to size and makes cursors
from the keys (resolvers/pagination.py).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Generic

from graph.rows import EdgeRow, NodeT

Params = tuple[tuple[str, Hashable], ...]  # Cypher parameters as a hashable, sorted tuple


@dataclass(frozen=True)
class Page(Generic[NodeT]):
    """Rows of one page (`{key: [sort key], node: {...}}`, up to the limit asked) and the
    number of rows in the whole connection."""

    rows: list[EdgeRow[NodeT]]
    total: int

    @classmethod
    def from_value(cls, value: dict[str, Any]) -> Page[Any]:
        """From a paged query's `rows` and `total` (a row, or a loader's `value`); a null
        total (a count not asked for) is NOT_COUNTED."""
        total = value["total"]
        return Page(rows=value["rows"], total=NOT_COUNTED if total is None else total)


NOT_COUNTED = -1  # the total of a page whose query skipped the count (totalCount not selected)
EMPTY_PAGE: Page[Any] = Page(rows=[], total=0)


@dataclass(frozen=True)
class PageKey:
    """A page under one parent: the parent's id and the Cypher parameters shaping the page."""

    id: str
    params: Params

    @classmethod
    def of(cls, id: str, **params: Any) -> PageKey:
        """Lists become tuples, so the key hashes (loaders turn them back into lists)."""
        hashable = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
        return cls(id, tuple(sorted(hashable.items())))
