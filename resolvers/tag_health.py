"""Query.tagHealth: unused, undescribed and redundant tags (see `graph.tags.health`)."""

from __future__ import annotations

from graph.db import Record
from graph.tags import health as tag_health
from graph.tags.health import DEFAULT_MIN_JACCARD, TagPair
from schema.context import Info


async def unused(info: Info) -> list[Record]:
    return await tag_health.unused(info.context.graph)


async def undescribed(info: Info) -> list[Record]:
    return await tag_health.undescribed(info.context.graph)


async def redundant(info: Info, min_jaccard: float | None) -> list[TagPair]:
    """An explicit null minJaccard means the default."""
    threshold = DEFAULT_MIN_JACCARD if min_jaccard is None else min_jaccard
    return await tag_health.redundant(info.context.graph, threshold)
