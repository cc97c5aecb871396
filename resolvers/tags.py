"""Tag fields and queries. Tag names are looked up normalised (NFKC, spaces collapsed)."""

from __future__ import annotations

from graph.cleansing import normalize_name
from graph.paging import Page
from graph.rows import CustomerRow, TagRow
from graph.tags import taxonomy
from resolvers.context import Info
from resolvers.pagination import EdgePage, edge_page
from resolvers.selection import (
    Parent,
    after_a_cursor,
    graph_field,
    graph_page,
    holders_params,
)


async def tag(info: Info, name: str) -> TagRow | None:
    return await info.context.loaders.tag_by_name.load(normalize_name(name, "name"))


async def tags(info: Info, category: str | None, include_deprecated: bool | None) -> list[TagRow]:
    """Query.tags, ordered by name."""
    return await taxonomy.list_tags(
        info.context.graph, category=category, include_deprecated=bool(include_deprecated)
    )


async def parent(info: Info, tag: Parent) -> TagRow | None:
    found: TagRow | None = await graph_field(info, "Tag", tag)
    return found


async def children(info: Info, tag: Parent) -> list[TagRow]:
    found: list[TagRow] = await graph_field(info, "Tag", tag)
    return found


async def aliases(info: Info, tag: Parent) -> list[str]:
    found: list[str] = await graph_field(info, "Tag", tag)
    return found


async def customer_count(info: Info, tag: Parent) -> int:
    """Customers holding the tag directly."""
    return int(await graph_field(info, "Tag", tag))


async def customers(
    info: Info, tag: Parent, first: int | None, after: str | None
) -> EdgePage[CustomerRow]:
    """Tag.customers: direct holders by id ascending, batched over tags with the same page."""
    params = holders_params({"first": first, "after": after}, info.context.settings)
    page: Page[CustomerRow] = await graph_page(info, "Tag", tag, params)
    return edge_page(page, params["limit"] - 1, has_previous_page=after_a_cursor(params))
