"""Segments behind the GraphQL API and the CLI: check, evaluate, save, list, delete.

Evaluation is batched: `evaluate_many` takes every (definition, asOf, count-or-page) asked for
in one tick (the `segment_results` DataLoader) and answers them with at most two round trips,
one to check the tag names and product ids the definitions use, one `UNION ALL` of the compiled
queries (each segment's parameters prefixed `s0_`, `s1_`, ...). So `segments { count }` costs
the same for one segment as for fifty.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import Query
from neo4j.exceptions import ConstraintError

from graph.db import Graph, Record
from graph.errors import BadUserInput, NotFound
from graph.segment import (
    Definition,
    compile_segment,
    parse_definition,
    product_ids,
    rename_tags,
    tag_names,
)


def definition_text(definition: Definition) -> str:
    """The canonical JSON text of a definition (stored, and the key of evaluations)."""
    return json.dumps(definition.to_json(), ensure_ascii=False, separators=(",", ":"))


def load_definition(text: str, path: str = "definition") -> Definition:
    """A stored definition, validated again (the rules may have tightened since)."""
    try:
        raw = json.loads(text)
    except ValueError:
        raise BadUserInput(path, "is not JSON text of a SegmentDefinition") from None
    return parse_definition(raw, path)


@dataclass(frozen=True)
class Names:
    """What the graph knows of the tag names and product ids some definitions use."""

    unknown_tags: frozenset[str] = frozenset()
    unknown_products: frozenset[str] = frozenset()
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> the tag's name

    def error(self, definition: Definition) -> BadUserInput | None:
        """The error for the first unknown tag (or else product) the definition uses."""
        for name, path in tag_names(definition).items():
            if name in self.unknown_tags:
                return BadUserInput(path, f"unknown tag {name!r}")
        for product_id, path in product_ids(definition).items():
            if product_id in self.unknown_products:
                return BadUserInput(path, f"unknown product {product_id!r}")
        return None

    def resolve(self, definition: Definition) -> Definition:
        """Aliases replaced by the names of the tags they mean (what the compiler matches)."""
        return rename_tags(definition, self.aliases) if self.aliases else definition


async def known_names(graph: Graph, definitions: list[Definition]) -> Names:
    """Unknown tags and products and tag aliases of the definitions: one round trip, none
    when the definitions use neither tags nor products."""
    tags = sorted({name for d in definitions for name in tag_names(d)})
    products = sorted({pid for d in definitions for pid in product_ids(d)})
    if not tags and not products:
        return Names()
    row = await graph.read_one("segments/unknown_names", tags=tags, products=products)
    assert row is not None
    return Names(
        frozenset(row["unknownTags"]),
        frozenset(row["unknownProducts"]),
        {alias: names[0] for alias, names in row["aliases"] if names},
    )


async def check(graph: Graph, definition: Definition) -> Definition:
    """The definition with aliases resolved; BadUserInput naming its first unknown tag (or
    product)."""
    names = await known_names(graph, [definition])
    error = names.error(definition)
    if error is not None:
        raise error
    return names.resolve(definition)


@dataclass(frozen=True)
class Evaluation:
    """One question about a definition (canonical JSON text) at `as_of`: its count
    (`limit` None) or a page of members by id after `after`. `checked`: names known good
    and aliases already resolved."""

    definition: str
    as_of: datetime
    after: str = ""
    limit: int | None = None
    checked: bool = False


@dataclass(frozen=True)
class Result:
    """Members in all, and (for a page) rows `{key: [id], node: {...}}` up to the limit."""

    total: int
    rows: list[Record]


async def evaluate_many(graph: Graph, asks: list[Evaluation]) -> list[Result | BadUserInput]:
    """Answer every evaluation: the results, or the BadUserInput of a definition that fails."""
    answers: list[Result | BadUserInput | None] = [None] * len(asks)
    definitions: dict[int, Definition] = {}
    for i, ask in enumerate(asks):
        try:
            definitions[i] = load_definition(ask.definition)
        except BadUserInput as e:
            answers[i] = e
    unchecked = [d for i, d in definitions.items() if not asks[i].checked]
    names = await known_names(graph, unchecked)
    for i, definition in list(definitions.items()):
        if asks[i].checked:  # already checked and resolved (segmentPreview)
            continue
        error = names.error(definition)
        if error is not None:
            answers[i] = error
            del definitions[i]
        else:
            definitions[i] = names.resolve(definition)
    if definitions:
        several = len(definitions) > 1
        branches: list[str] = []
        params: dict[str, Any] = {}
        for i, definition in definitions.items():
            ask = asks[i]
            segment = compile_segment(definition, ask.as_of, prefix=f"s{i}_" if several else "")
            branches.append(segment.branch(i, page=ask.limit is not None))
            params |= segment.params
            if ask.limit is not None:
                params |= segment.page_params(ask.after, ask.limit)
        rows = await graph.run_text("segments/evaluate", "\nUNION ALL\n".join(branches), **params)
        for row in rows:
            answers[row["key"]] = Result(total=row["total"], rows=row["rows"])
    return [answer if answer is not None else Result(0, []) for answer in answers]


async def save(graph: Graph, name: str, definition: Definition) -> Record:
    """A new segment; BadUserInput when the name is taken."""
    taken = BadUserInput("name", f"a segment named {name!r} already exists")
    try:
        row = await graph.write_one(
            "segments/save",
            id=f"seg-{uuid.uuid4().hex[:12]}",
            segmentName=name,
            definition=definition_text(definition),
        )
    except ConstraintError:  # another save of the same name committed between check and create
        raise taken from None
    assert row is not None
    if row["duplicate"]:
        raise taken
    segment: Record = row["segment"]
    return segment


async def all_segments(graph: Graph) -> list[Record]:
    return [row["segment"] for row in await graph.read("segments/all")]


async def delete(graph: Graph, segment_id: str) -> None:
    """Delete the segment; NotFound when there is none with this id."""
    row = await graph.write_one("segments/delete", id=segment_id)
    if row is None or not row["found"]:
        raise NotFound("segment", segment_id, field="id")


async def by_id(graph: Graph, segment_id: str) -> Record | None:
    rows = await graph.read("segments/by_ids", ids=[segment_id])
    return rows[0]["value"] if rows else None


async def export(
    graph: Graph, definition: Definition, as_of: datetime, batch: int = 1000
) -> AsyncIterator[Record]:
    """Every member's properties by id, streamed from one auto-commit query (any size)."""
    definition = await check(graph, definition)
    segment = compile_segment(definition, as_of)
    async with graph.driver.session(database=graph.database, fetch_size=batch) as session:
        query = Query(segment.export_query, metadata={"app": "c360", "query": "segments/export"})
        result = await session.run(query, segment.params)
        async for record in result:
            yield dict(record["customer"])
