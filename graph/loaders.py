"""Per-request DataLoaders: a nested GraphQL field costs one Cypher round trip, not one per row.

Each loader runs one `cypher/<domain>/*.cypher` file over all the keys collected in one tick of
the event loop (`UNWIND $ids`); the file returns `key` and `value` columns and the loader
lines the values up with the keys (a missing key gets the field's empty value). Paged
connections under a parent (`Customer.interactions`, `Tag.customers`) are keyed by the
parent id *and* the page's parameters: one query per distinct set of parameters.

Create a fresh `Loaders` for every request (their cache lives as long as they do) and
call `clear_all()` after a write, so later fields see the new state.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from strawberry.dataloader import DataLoader

from graph.db import Graph
from graph.paging import EMPTY_PAGE, Page, PageKey, Params
from graph.rows import (
    CustomerRow,
    InteractionRow,
    ProductRow,
    PurchaseStatsRow,
    SegmentRow,
    TagAssignmentRow,
    TagRow,
    TaskRow,
)
from graph.segments import evaluation
from graph.segments.compiler import CompiledSegment, compile_segment
from graph.segments.definition import Definition
from graph.segments.evaluation import Compile, Evaluation, Result


def _cypher_params(params: Params) -> dict[str, Any]:
    return {name: list(value) if isinstance(value, tuple) else value for name, value in params}


def by_key(graph: Graph, name: str, empty: Callable[[], object]) -> DataLoader[str, Any]:
    """A loader over `cypher/<name>.cypher`, which takes `$ids` and returns `key`, `value`
    (the `Loaders` field it is assigned to says the value's type)."""

    async def load(keys: list[str]) -> list[object]:
        rows = await graph.read(name, ids=keys)
        found: dict[str, object] = {row["key"]: row["value"] for row in rows}
        return [found[key] if key in found else empty() for key in keys]

    return DataLoader(load_fn=load)


def pages(graph: Graph, name: str) -> DataLoader[PageKey, Page[Any]]:
    """A loader of connection pages: one query per distinct parameter set, all parents at once."""

    async def load_group(params: Params, ids: list[str]) -> dict[str, Page[Any]]:
        rows = await graph.read(name, ids=ids, **_cypher_params(params))
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


def _zero() -> int:
    return 0


def _no_purchases() -> PurchaseStatsRow:
    return {"totalSpend": 0.0, "purchaseCount": 0, "lastPurchaseAt": None}


@dataclass
class Loaders:
    """One request's loaders, one per batched field (see the module docstring)."""

    graph: Graph
    customer: DataLoader[str, CustomerRow | None] = field(init=False)
    product: DataLoader[str, ProductRow | None] = field(init=False)
    tag_by_name: DataLoader[str, TagRow | None] = field(init=False)
    customer_tags: DataLoader[str, list[TagRow]] = field(init=False)
    customer_tag_assignments: DataLoader[str, list[TagAssignmentRow]] = field(init=False)
    customer_tasks: DataLoader[str, list[TaskRow]] = field(init=False)
    customer_stage: DataLoader[str, str | None] = field(init=False)
    customer_purchases: DataLoader[str, PurchaseStatsRow] = field(init=False)
    customer_products: DataLoader[str, list[ProductRow]] = field(init=False)
    customer_interactions: DataLoader[PageKey, Page[InteractionRow]] = field(init=False)
    tag_parent: DataLoader[str, TagRow | None] = field(init=False)
    tag_children: DataLoader[str, list[TagRow]] = field(init=False)
    tag_aliases: DataLoader[str, list[str]] = field(init=False)
    tag_customer_count: DataLoader[str, int] = field(init=False)
    tag_customers: DataLoader[PageKey, Page[CustomerRow]] = field(init=False)
    product_buyer_count: DataLoader[str, int] = field(init=False)
    segment: DataLoader[str, SegmentRow | None] = field(init=False)
    segment_results: DataLoader[Evaluation, Result] = field(init=False)
    # Segments compiled in this request, by (definition, asOf): each compiled once.
    compiled_segments: dict[tuple[Definition, datetime], CompiledSegment] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        g = self.graph
        self.customer = by_key(g, "customers/by_ids", _none)
        self.product = by_key(g, "products/by_ids", _none)
        self.tag_by_name = by_key(g, "tags/by_names", _none)
        self.customer_tags = by_key(g, "customers/tags", list)
        self.customer_tag_assignments = by_key(g, "customers/tag_assignments", list)
        self.customer_tasks = by_key(g, "customers/tasks", list)
        self.customer_stage = by_key(g, "customers/stages", _none)
        self.customer_purchases = by_key(g, "customers/purchase_stats", _no_purchases)
        self.customer_products = by_key(g, "customers/products", list)
        self.customer_interactions = pages(g, "customers/interactions")
        self.tag_parent = by_key(g, "tags/parents", _none)
        self.tag_children = by_key(g, "tags/children", list)
        self.tag_aliases = by_key(g, "tags/aliases", list)
        self.tag_customer_count = by_key(g, "tags/customer_counts", _zero)
        self.tag_customers = pages(g, "tags/customers")
        self.product_buyer_count = by_key(g, "products/buyer_counts", _zero)
        self.segment = by_key(g, "segments/by_ids", _none)
        self.segment_results = segment_results(g, self.compile_segment)

    def compile_segment(self, definition: Definition, as_of: datetime) -> CompiledSegment:
        """The definition's query at `as_of`, compiled once per request (a preview's `cypher`
        and its `count` share one compilation)."""
        key = (definition, as_of)
        if (segment := self.compiled_segments.get(key)) is None:
            segment = self.compiled_segments[key] = compile_segment(definition, as_of)
        return segment

    def clear_all(self) -> None:
        """Forget everything loaded so far (after a mutation changed the graph)."""
        for f in fields(self):
            loader = getattr(self, f.name)
            if isinstance(loader, DataLoader):
                loader.clear_all()
