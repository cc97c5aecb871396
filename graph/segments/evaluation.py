"""Segment evaluation: check the names a definition uses, then count or page its members.

Evaluation is batched: `evaluate_many` takes every (definition, asOf, count-or-page) asked for
in one tick (the `segment_results` DataLoader) and answers them with at most two round trips,
one to check the tag names and product ids the definitions use, one statement for all of
them (a `UNION ALL` of the compiled queries when there are several). So `segments { count }`
costs the same for one segment as for fifty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from core.errors import BadUserInput
from graph.db import Graph
from graph.paging import Page
from graph.queries import statements
from graph.rows import CustomerRow, EdgeRow
from graph.segments.compiler import CompiledSegment, compile_segment
from graph.segments.definition import (
    Definition,
    product_ids,
    rename_tags,
    tag_names,
)

Compile = Callable[[Definition, datetime], CompiledSegment]


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

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Names:
        """From a row of segments/unknown_names.cypher."""
        return cls(
            frozenset(row["unknownTags"]),
            frozenset(row["unknownProducts"]),
            {alias: names[0] for alias, names in row["aliases"] if names},
        )


def names_used(definitions: Iterable[Definition]) -> dict[str, list[str]]:
    """The tag names and product ids the definitions use: segments/unknown_names' parameters."""
    definitions = list(definitions)
    return {
        "tags": sorted({name for d in definitions for name in tag_names(d)}),
        "products": sorted({pid for d in definitions for pid in product_ids(d)}),
    }


async def known_names(graph: Graph, definitions: list[Definition]) -> Names:
    """Unknown tags and products and tag aliases of the definitions: one round trip, none
    when the definitions use neither tags nor products."""
    used = names_used(definitions)
    if not used["tags"] and not used["products"]:
        return Names()
    row = await graph.read_one("segments/unknown_names", **used)
    assert row is not None
    return Names.of(row)


async def check(graph: Graph, definition: Definition) -> Definition:
    """The definition with aliases resolved; BadUserInput naming its first unknown tag (or
    product)."""
    names = await known_names(graph, [definition])
    error = names.error(definition)
    if error is not None:
        raise error
    return names.resolve(definition)


@cache
def _checked_count_template() -> str:
    [names] = statements("segments/unknown_names")
    [template] = statements("segments/checked_count")
    return template.replace("{{names}}", names)


def checked_count_query(count_query: str) -> str:
    """segments/checked_count.cypher around a compiled count query."""
    return _checked_count_template().replace("{{count}}", count_query)


async def _count(graph: Graph, segment: CompiledSegment) -> int:
    [row] = await graph.run_text("segments/count", segment.count_query, **segment.params)
    return int(row["total"])


async def checked_count(
    graph: Graph, definition: Definition, as_of: datetime, compile: Compile = compile_segment
) -> tuple[Definition, int]:
    """The definition checked (aliases resolved; BadUserInput for an unknown name) and its
    count at `as_of`. One round trip when every name it uses is a tag's or a product's own:
    the check rides with the count (segments/checked_count.cypher); a second one, the count
    of the resolved definition, only when it uses an alias."""
    segment = compile(definition, as_of)
    used = names_used([definition])
    if not used["tags"] and not used["products"]:
        return definition, await _count(graph, segment)
    text = checked_count_query(segment.count_query)
    params: dict[str, Any] = {**used, **segment.params}
    [row] = await graph.run_text("segments/checked_count", text, **params)
    if row["total"] is not None:
        return definition, row["total"]
    names = Names.of(row)
    if (error := names.error(definition)) is not None:
        raise error
    resolved = names.resolve(definition)
    return resolved, await _count(graph, compile(resolved, as_of))


@dataclass(frozen=True)
class Evaluation:
    """One question about a definition at `as_of`: its count (`limit` None) or a page of
    members by id after `after`. `checked`: names known good and aliases already resolved.
    Frozen and made of frozen parts, so it is the DataLoader's key as it is."""

    definition: Definition
    as_of: datetime
    after: str = ""
    limit: int | None = None
    checked: bool = False


@dataclass(frozen=True)
class Result:
    """Members in all, and (for a page) rows `{key: [id], node: {...}}` up to the limit."""

    total: int
    rows: list[EdgeRow[CustomerRow]]


@dataclass
class _Group:
    """The asks about one resolved definition at one moment: compiled and evaluated once.
    `pages` numbers the distinct (after, limit) pages asked for; `page_of` maps an ask to
    its page's number (counts have none)."""

    segment: CompiledSegment
    asks: list[int] = field(default_factory=list)
    pages: dict[tuple[str, int], int] = field(default_factory=dict)
    page_of: dict[int, int] = field(default_factory=dict)

    def add(self, i: int, ask: Evaluation) -> None:
        self.asks.append(i)
        if ask.limit is not None:
            self.page_of[i] = self.pages.setdefault((ask.after, ask.limit), len(self.pages))

    def answer(self, total: int, pages: list[list[EdgeRow[CustomerRow]]]) -> dict[int, Result]:
        return {
            i: Result(total, pages[self.page_of[i]] if i in self.page_of else []) for i in self.asks
        }


async def evaluate_many(
    graph: Graph, asks: list[Evaluation], compile: Compile = compile_segment
) -> list[Result | BadUserInput]:
    """Answer every evaluation: the results, or the BadUserInput of a definition that fails.

    Asks of one resolved definition at one moment form a group, compiled once (by `compile`,
    the request's cache) and evaluated once. A lone group with at most one page runs exactly
    its `count_query` or `page_query`, the text segmentPreview shows; otherwise all groups
    run as one `UNION ALL`, each group's parameters prefixed `g0_`, `g1_`, ...
    """
    answers: dict[int, Result | BadUserInput] = {}
    names = await known_names(graph, [ask.definition for ask in asks if not ask.checked])
    groups: dict[tuple[Definition, datetime], _Group] = {}
    for i, ask in enumerate(asks):
        definition = ask.definition
        if not ask.checked:
            if (error := names.error(definition)) is not None:
                answers[i] = error
                continue
            definition = names.resolve(definition)
        if (group := groups.get((definition, ask.as_of))) is None:
            group = groups[definition, ask.as_of] = _Group(compile(definition, ask.as_of))
        group.add(i, ask)
    if len(groups) == 1 and len((alone := next(iter(groups.values()))).pages) <= 1:
        answers |= await _alone(graph, alone)
    elif groups:
        answers |= await _union(graph, list(groups.values()))
    return [answers.get(i, Result(0, [])) for i in range(len(asks))]


async def _alone(graph: Graph, group: _Group) -> dict[int, Result]:
    """One group with at most one page: its own statement, as segmentPreview shows it."""
    segment = group.segment
    if not group.pages:
        return group.answer(await _count(graph, segment), [])
    [(after, limit)] = group.pages
    params = segment.params | segment.page_params(after, limit)
    [row] = await graph.run_text("segments/page", segment.page_query, **params)
    return group.answer(row["total"], [row["rows"]])


async def _union(graph: Graph, groups: list[_Group]) -> dict[int, Result]:
    """Every group as a branch of one `UNION ALL` (a group with no members returns no row:
    its answers stay empty)."""
    branches: list[str] = []
    params: dict[str, Any] = {}
    for key, group in enumerate(groups):
        prefix = f"g{key}_"
        segment = group.segment.with_prefix(prefix)
        params |= segment.params
        page_params = []
        for (after, limit), n in group.pages.items():
            params |= {f"{prefix}after{n}": after, f"{prefix}limit{n}": limit}
            page_params.append((f"${prefix}after{n}", f"${prefix}limit{n}"))
        branches.append(segment.branch(key, page_params))
    rows = await graph.run_text("segments/evaluate", "\nUNION ALL\n".join(branches), **params)
    answers: dict[int, Result] = {}
    for row in rows:
        answers |= groups[row["key"]].answer(row["total"], row["pages"])
    return answers


async def ordered_page(
    graph: Graph,
    segment: CompiledSegment,
    *,
    prop: str,
    temporal: bool,
    descending: bool,
    backward: bool,
    limit: int,
    key: tuple[bool, Any, str] | None,
) -> Page[CustomerRow]:
    """Members of a compiled (checked) segment in the order of the property `prop`, `limit`
    of them after (or, `backward`, before) the key (missing, value, id), nearest first, and
    how many members there are (cypher/segments/ordered_page.cypher)."""
    [template] = statements("segments/ordered_page")
    text = template.replace("{{segment}}", segment.match)
    missing, value, customer_id = key if key is not None else (False, None, None)
    [row] = await graph.run_text(
        "segments/ordered_page",
        text,
        **segment.params,
        property=prop,
        temporal=temporal,
        descending=descending,
        backward=backward,
        limit=limit,
        afterMissing=missing,
        afterValue=value,
        afterId=customer_id,
    )
    return Page.from_value(row)
