"""Segment evaluation: check the names a definition uses, then count or page its members.

Evaluation is batched: `evaluate_many` takes every (definition, asOf, count-or-page) asked for
in one tick (the `segment_results` DataLoader) and answers them with at most two round trips,
one to check the tag names and product ids the definitions use, one `UNION ALL` of the compiled
queries (each segment's parameters prefixed `s0_`, `s1_`, ...). So `segments { count }` costs
the same for one segment as for fifty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.errors import BadUserInput
from graph.db import Graph, Record
from graph.segments.compiler import compile_segment
from graph.segments.definition import (
    Definition,
    load_definition,
    product_ids,
    rename_tags,
    tag_names,
)


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
