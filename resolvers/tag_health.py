"""Query.tagHealth: unused, undescribed and redundant tags (see `graph.tags.health`)."""

from __future__ import annotations

from graph.rows import TagRow
from graph.tags import health as tag_health
from graph.tags.health import TagPair
from resolvers import clean
from resolvers.context import Info


async def unused(info: Info) -> list[TagRow]:
    return await tag_health.unused(info.context.graph)


async def undescribed(info: Info) -> list[TagRow]:
    return await tag_health.undescribed(info.context.graph)


async def redundant(info: Info, min_jaccard: float | None) -> list[TagPair]:
    """An explicit null minJaccard means the default."""
    return await tag_health.redundant(info.context.graph, clean.min_jaccard(min_jaccard))
