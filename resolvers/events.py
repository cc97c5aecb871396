"""tagEvents: the server's event feed, filtered by tag, one payload at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator

from core.errors import GraphUnavailable, NotFound
from graph.cleansing import normalize_name
from graph.rows import CustomerRow, TagEventRow, TagRow
from graph.tags import taxonomy
from resolvers.context import Info


async def tag_events(info: Info, tags: list[str] | None) -> AsyncIterator[TagEventRow]:
    """Events from now on; with `tags`, only those of these tags (checked first)."""
    feed = info.context.events
    if feed is None:
        raise GraphUnavailable("tag events are served by `c360 serve` only")
    wanted: set[str] | None = None
    if tags is not None:
        names = {normalize_name(name, f"tags[{i}]"): f"tags[{i}]" for i, name in enumerate(tags)}
        found = await taxonomy.require(info.context.graph, names)
        wanted = {str(tag.tag["id"]) for tag in found.values()}
    async with feed.subscribe() as events:
        async for event in events:
            if wanted is None or event["tagId"] in wanted:
                info.context.loaders.clear_all()  # each payload reads the graph as it is now
                yield event


async def customer(info: Info, customer_id: str) -> CustomerRow:
    record = await info.context.loaders.customer.load(customer_id)
    if record is None:
        raise NotFound("customer", customer_id)
    return record


async def tag(info: Info, name: str) -> TagRow:
    record = await info.context.loaders.tag_by_name.load(name)
    if record is None:
        raise NotFound("tag", name)
    return record
