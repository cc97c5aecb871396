"""Tag fields and queries. Tag names are looked up normalised (NFKC, spaces collapsed)."""

from __future__ import annotations

from graph.cleansing import normalize_name
from graph.paging import PageKey
from graph.rows import CustomerRow, TagRow
from graph.tags import taxonomy
from resolvers.context import Info
from resolvers.pagination import EdgePage, check_first, decode_cursor, edge_page


async def tag(info: Info, name: str) -> TagRow | None:
    return await info.context.loaders.tag_by_name.load(normalize_name(name, "name"))


async def tags(info: Info, category: str | None, include_deprecated: bool | None) -> list[TagRow]:
    """Query.tags, ordered by name."""
    return await taxonomy.list_tags(
        info.context.graph, category=category, include_deprecated=bool(include_deprecated)
    )


async def parent(info: Info, tag_id: str) -> TagRow | None:
    return await info.context.loaders.tag_parent.load(tag_id)


async def children(info: Info, tag_id: str) -> list[TagRow]:
    return await info.context.loaders.tag_children.load(tag_id)


async def aliases(info: Info, tag_id: str) -> list[str]:
    return await info.context.loaders.tag_aliases.load(tag_id)


async def customer_count(info: Info, tag_id: str) -> int:
    """Customers holding the tag directly."""
    return await info.context.loaders.tag_customer_count.load(tag_id)


async def customers(
    info: Info, tag_id: str, first: int | None, after: str | None
) -> EdgePage[CustomerRow]:
    """Tag.customers: direct holders by id ascending, batched over tags with the same page."""
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, str)
    page = await info.context.loaders.tag_customers.load(
        PageKey.of(tag_id, limit=size + 1, after=key[0] if key else "")
    )
    return edge_page(page, size)
