"""Tag reads and writes behind the GraphQL API (names arrive normalised)."""

from __future__ import annotations

from graph.db import Graph, Record
from graph.errors import BadUserInput


async def list_tags(
    graph: Graph, *, category: str | None, include_deprecated: bool
) -> list[Record]:
    """Tags ordered by name, of one category when given, deprecated ones only on request."""
    rows = await graph.read("api/tags", category=category, includeDeprecated=include_deprecated)
    return [row["tag"] for row in rows]


async def create_tag(
    graph: Graph,
    *,
    name: str,
    category: str | None,
    description: str | None,
    parent: str | None,
) -> Record:
    """A new ACTIVE tag; a taken name or a missing parent writes nothing (BadUserInput)."""
    row = await graph.write_one(
        "api/create_tag",
        tagName=name,
        category=category,
        description=description,
        parent=parent,
    )
    assert row is not None
    if row["duplicate"]:
        raise BadUserInput("name", f"a tag named {name!r} already exists")
    if row["parentMissing"]:
        raise BadUserInput("parent", f"no tag named {parent!r}")
    tag: Record = row["tag"]
    return tag
