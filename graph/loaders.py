"""Per-request DataLoaders: a nested GraphQL field costs one Cypher round trip, not one per row.

Each loader runs one statement over all the keys collected in one tick of the event loop
(`UNWIND $ids`): a `cypher/<domain>/*.cypher` file for objects by id, or the field's own
fragment (`cypher/fields/<Type>/<field>.cypher`, the one translated reads nest) for the fields
of objects that no translated read fetched. Statements return `key` and `value` columns and
the loader lines the values up with the keys. Paged connections under a parent
(`Customer.interactions`, `Tag.customers`) are keyed by the parent id *and* the page's
parameters: one query per distinct set of parameters.

Create a fresh `Loaders` for every request (their cache lives as long as they do) and
call `clear_all()` after a write, so later fields see the new state.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import Any

from strawberry.dataloader import DataLoader

from graph.db import Graph
from graph.paging import EMPTY_PAGE, Page, PageKey, Params
from graph.queries import query
from graph.rows import (
    CustomerRow,
    ProductRow,
    SegmentRow,
    SnapshotRow,
    TagRow,
    TaskRow,
)
from graph.segments import evaluation
from graph.segments.compiler import CompiledSegment, compile_segment
from graph.segments.definition import Definition
from graph.segments.evaluation import Compile, Evaluation, Result
from graph.translate import projection


def _cypher_params(params: Params) -> dict[str, Any]:
    return {name: list(value) if isinstance(value, tuple) else value for name, value in params}


def by_key(
    graph: Graph,
    name: str,
    empty: Callable[[], object],
    text: str | None = None,
    params: Params = (),
) -> DataLoader[str, Any]:
    """A loader over `cypher/<name>.cypher` (or the statement `text` built under that name),
    which takes `$ids` (and `params`) and returns `key`, `value` (the caller says the value's
    type)."""
    statement = query(name) if text is None else text
    given = _cypher_params(params)

    async def load(keys: list[str]) -> list[object]:
        rows = await graph.run_text(name, statement, ids=keys, **given)
        found: dict[str, object] = {row["key"]: row["value"] for row in rows}
        return [found[key] if key in found else empty() for key in keys]

    return DataLoader(load_fn=load)


def pages(graph: Graph, name: str, text: str) -> DataLoader[PageKey, Page[Any]]:
    """A loader of connection pages (the statement `text`, `$ids` and the page's parameters
    in, `key` and a `{rows, total}` value out): one query per distinct parameter set, all
    parents at once."""

    async def load_group(params: Params, ids: list[str]) -> dict[str, Page[Any]]:
        rows = await graph.run_text(name, text, ids=ids, **_cypher_params(params))
        return {row["key"]: Page.from_value(row["value"]) for row in rows}

    async def load(keys: list[PageKey]) -> list[Page[Any]]:
        groups: dict[Params, list[str]] = defaultdict(list)
        for key in keys:
            groups[key.params].append(key.id)
        results = await asyncio.gather(*(load_group(p, ids) for p, ids in groups.items()))
        found = {
            PageKey(key_id, params): page
            for params, group in zip(groups, results, strict=True)
            for key_id, page in group.items()
        }
        return [found.get(key, EMPTY_PAGE) for key in keys]

    return DataLoader(load_fn=load)


def segment_results(graph: Graph, compile: Compile) -> DataLoader[Evaluation, Result]:
    """Segment counts and pages: every one asked for in a tick in one query (see
    `graph.segments.evaluation.evaluate_many`); a bad definition fails only its own fields."""

    async def load(asks: list[Evaluation]) -> list[Result | BaseException]:
        return list(await evaluation.evaluate_many(graph, asks, compile))

    return DataLoader(load_fn=load)


def _none() -> None:
    return None


class Loaders:
    """One request's loaders: by id for the root objects, and one per field the graph
    answers (`field`, `page`), built on first use from the field's fragment (a request the
    fast path answers whole builds none)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.field_loaders: dict[tuple[str, str, Params], DataLoader[str, Any]] = {}
        self.page_loaders: dict[tuple[str, str], DataLoader[PageKey, Page[Any]]] = {}
        # Segments compiled in this request, by (definition, asOf): each compiled once.
        self.compiled_segments: dict[tuple[Definition, datetime], CompiledSegment] = {}

    @cached_property
    def customer(self) -> DataLoader[str, CustomerRow | None]:
        return by_key(self.graph, "customers/by_ids", _none)

    @cached_property
    def product(self) -> DataLoader[str, ProductRow | None]:
        return by_key(self.graph, "products/by_ids", _none)

    @cached_property
    def tag_by_name(self) -> DataLoader[str, TagRow | None]:
        return by_key(self.graph, "tags/by_names", _none)

    @cached_property
    def customer_tasks(self) -> DataLoader[str, list[TaskRow]]:
        return by_key(self.graph, "customers/tasks", list)

    @cached_property
    def segment(self) -> DataLoader[str, SegmentRow | None]:
        return by_key(self.graph, "segments/by_ids", _none)

    @cached_property
    def segment_snapshots(self) -> DataLoader[str, list[SnapshotRow]]:
        return by_key(self.graph, "segments/snapshots", list)

    @cached_property
    def snapshot(self) -> DataLoader[str, SnapshotRow | None]:
        return by_key(self.graph, "segments/snapshots_by_ids", _none)

    @cached_property
    def snapshot_customers(self) -> DataLoader[PageKey, Page[CustomerRow]]:
        name = "segments/snapshot_customers"
        return pages(self.graph, name, query(name))

    @cached_property
    def snapshot_diff(self) -> DataLoader[PageKey, Page[CustomerRow]]:
        name = "segments/snapshot_diff"
        return pages(self.graph, name, query(name))

    @cached_property
    def segment_results(self) -> DataLoader[Evaluation, Result]:
        return segment_results(self.graph, self.compile_segment)

    def field_loader(
        self, type_name: str, field_name: str, params: Params = ()
    ) -> DataLoader[str, Any]:
        """`Type.field` for a batch of parent ids: its fragment, every property projected,
        with the field's parameters `params` (one loader per distinct set)."""
        key = (type_name, field_name, params)
        if (found := self.field_loaders.get(key)) is None:
            text = projection.loader(type_name, field_name)
            name = f"fields/{type_name}/{field_name}"
            found = self.field_loaders[key] = by_key(self.graph, name, _none, text, params)
        return found

    def page_loader(self, type_name: str, field_name: str) -> DataLoader[PageKey, Page[Any]]:
        """A connection `Type.field` for a batch of parents: its fragment, by page."""
        key = (type_name, field_name)
        if (found := self.page_loaders.get(key)) is None:
            text = projection.loader(type_name, field_name)
            name = f"fields/{type_name}/{field_name}"
            found = self.page_loaders[key] = pages(self.graph, name, text)
        return found

    def compile_segment(self, definition: Definition, as_of: datetime) -> CompiledSegment:
        """The definition's query at `as_of`, compiled once per request (a preview's `cypher`
        and its `count` share one compilation)."""
        key = (definition, as_of)
        if (segment := self.compiled_segments.get(key)) is None:
            segment = self.compiled_segments[key] = compile_segment(definition, as_of)
        return segment

    def clear_all(self) -> None:
        """Forget everything loaded so far (after a mutation changed the graph)."""
        self.field_loaders.clear()
        self.page_loaders.clear()
        for loader in vars(self).values():  # the by-id loaders built so far (cached_property)
            if isinstance(loader, DataLoader):
                loader.clear_all()
