"""Tags behind the GraphQL API: reads, creation and governance (rename, merge, deprecate).

Names arrive normalised (NFKC, trimmed, spaces collapsed). Anywhere a tag name is accepted an
alias works too: renaming or merging a tag away keeps its old name as a `(:TagAlias)` of the
tag it now means, so saved segments, scripts and import files that use it keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from core.errors import BadUserInput, NotFound
from graph.db import Graph
from graph.model import UNSET
from graph.rows import TagRow
from graph.tags import events as tag_events


@dataclass(frozen=True)
class Resolved:
    """A tag a name means (its own name or an alias) and the names of the tags above it."""

    tag: TagRow
    above: list[str]

    @property
    def name(self) -> str:
        name: str = self.tag["name"]
        return name


async def resolve(graph: Graph, names: Sequence[str]) -> dict[str, Resolved | None]:
    """What each name means now: its tag, or None when it is no tag's name or alias."""
    rows = await graph.read("tags/resolve", names=list(dict.fromkeys(names)))
    return {
        row["name"]: None if row["tag"] is None else Resolved(row["tag"], row["above"])
        for row in rows
    }


async def require(graph: Graph, names: dict[str, str]) -> dict[str, Resolved]:
    """Resolve `{name: field}`; BadUserInput naming the field of the first unknown name."""
    found = await resolve(graph, list(names))
    for name, field in names.items():
        if found.get(name) is None:
            raise BadUserInput(field, f"unknown tag {name!r}")
    return {name: tag for name, tag in found.items() if tag is not None}


async def list_tags(
    graph: Graph, *, category: str | None, include_deprecated: bool
) -> list[TagRow]:
    """Tags ordered by name, of one category when given, deprecated ones only on request."""
    rows = await graph.read("tags/list", category=category, includeDeprecated=include_deprecated)
    return [row["tag"] for row in rows]


async def create_tag(
    graph: Graph,
    *,
    name: str,
    category: str | None,
    description: str | None,
    parent: str | None,
) -> TagRow:
    """A new ACTIVE tag; a taken name or a missing parent writes nothing (BadUserInput)."""
    row = await graph.write_one(
        "tags/create",
        tagName=name,
        category=category,
        description=description,
        parent=parent,
    )
    assert row is not None
    if row["duplicate"]:
        raise BadUserInput("name", f"a tag named {name!r} already exists")
    if row["aliasOf"] is not None:
        raise BadUserInput("name", f"{name!r} is an alias of the tag {row['aliasOf']!r}")
    if row["parentMissing"]:
        raise BadUserInput("parent", f"no tag named {parent!r}")
    tag: TagRow = row["tag"]
    return tag


async def update(
    graph: Graph,
    name: str,
    *,
    description: str | None = UNSET,
    category: str | None = UNSET,
    parent: str | None = UNSET,
) -> TagRow:
    """updateTag: the fields given set (None clears one; a None parent makes the tag a root).
    BadUserInput for an unknown tag or parent (by name or alias) and for a parent that is the
    tag or below it (a cycle); nothing is written then."""
    under = parent if isinstance(parent, str) else None  # UNSET and None: no parent to find
    found = await require(graph, {name: "name"} | ({under: "parent"} if under else {}))
    tag = found[name]
    above = found[under].name if under else None
    row = await graph.write_one(
        "tags/update",
        tagName=tag.name,
        setDescription=description is not UNSET,
        description=None if description is UNSET else description,
        setCategory=category is not UNSET,
        category=None if category is UNSET else category,
        setParent=parent is not UNSET,
        parent=above,
    )
    if row is None:  # renamed or merged away meanwhile
        raise NotFound("tag", name, field="name")
    if row["cycle"]:
        raise BadUserInput(
            "parent", f"{parent!r} is {tag.name!r} itself or below it: that would make a cycle"
        )
    updated: TagRow = row["tag"]
    return updated


async def _name_is_free(graph: Graph, name: str, field: str, owner: str | None = None) -> None:
    """BadUserInput when `name` is another tag's name or alias (`owner`'s own alias is free)."""
    taken = (await resolve(graph, [name]))[name]
    if taken is not None and taken.name != owner:
        if taken.name == name:
            raise BadUserInput(field, f"a tag named {name!r} already exists")
        raise BadUserInput(field, f"{name!r} is an alias of the tag {taken.name!r}")


async def rename(graph: Graph, name: str, new_name: str) -> TagRow:
    """The tag `name` (or alias) is called `new_name`; its old name becomes an alias."""
    tag = (await require(graph, {name: "name"}))[name]
    if new_name == tag.name:
        return tag.tag
    await _name_is_free(graph, new_name, "newName", owner=tag.name)
    row = await graph.write_one("tags/rename", tagName=tag.name, newName=new_name)
    if row is None:  # renamed or merged away meanwhile
        raise NotFound("tag", name, field="name")
    renamed: TagRow = row["tag"]
    return renamed


async def merge(graph: Graph, sources: list[str], into: str, actor: str) -> TagRow:
    """Move everything of `sources` to `into`, delete them, keep their names as aliases; the
    tag events of customers who gain `into` name `actor`."""
    if not sources:
        raise BadUserInput("sources", "give at least one tag to merge")
    fields = {name: f"sources[{i}]" for i, name in enumerate(sources)}
    found = await require(graph, {into: "into"} | {n: f for n, f in fields.items() if n != into})
    target = found[into]
    names: list[str] = []
    for name, field in fields.items():
        source = found[into] if name == into else found[name]
        if source.name == target.name:
            raise BadUserInput(field, f"{name!r} is the tag merged into")
        if source.name in target.above:
            raise BadUserInput(
                field, f"{source.name!r} is above {target.name!r}; merge a tag into a tag "
                "above it or beside it, not below it"
            )  # fmt: skip
        names.append(source.name)
    row = await graph.write_one(
        "tags/merge",
        sources=list(dict.fromkeys(names)),
        into=target.name,
        now=datetime.now(UTC),
        actor=actor,
    )
    if row is None:
        raise NotFound("tag", into, field="into")
    await tag_events.dispatch(graph)  # customers who gained `into` fire its linkage rules
    merged: TagRow = row["tag"]
    return merged


async def deprecate(graph: Graph, name: str) -> TagRow:
    """Mark the tag DEPRECATED (holders keep it; it can no longer be assigned)."""
    tag = (await require(graph, {name: "name"}))[name]
    row = await graph.write_one("tags/deprecate", tagName=tag.name)
    if row is None:
        raise NotFound("tag", name, field="name")
    deprecated: TagRow = row["tag"]
    return deprecated
