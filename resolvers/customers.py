"""Customer fields and queries. Nested fields go through the request's DataLoaders, so a page
of N customers costs the same number of Cypher round trips as a page of one."""

from __future__ import annotations

from datetime import datetime

from graph import customers as graph_customers
from graph.model import InteractionType
from graph.paging import PageKey
from graph.rows import (
    CustomerRow,
    InteractionRow,
    ProductRow,
    PurchaseStatsRow,
    TagAssignmentRow,
    TagRow,
)
from resolvers.context import Info
from resolvers.pagination import EdgePage, check_first, decode_cursor, edge_page


async def customer(info: Info, customer_id: str) -> CustomerRow | None:
    return await info.context.loaders.customer.load(customer_id)


async def customers(info: Info, first: int | None, after: str | None) -> EdgePage[CustomerRow]:
    """Query.customers: id ascending. One query for the page and the total."""
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, str)
    page = await graph_customers.customers_page(
        info.context.graph, limit=size + 1, after=key[0] if key else None
    )
    # Interaction.customer under these customers then needs no query of its own.
    info.context.loaders.customer.prime_many({row["node"]["id"]: row["node"] for row in page.rows})
    return edge_page(page, size)


async def tags(info: Info, customer_id: str) -> list[TagRow]:
    return await info.context.loaders.customer_tags.load(customer_id)


async def tag_assignments(info: Info, customer_id: str) -> list[TagAssignmentRow]:
    return await info.context.loaders.customer_tag_assignments.load(customer_id)


async def stage(info: Info, customer_id: str) -> str | None:
    return await info.context.loaders.customer_stage.load(customer_id)


async def purchases(info: Info, customer_id: str) -> PurchaseStatsRow:
    """`{totalSpend, purchaseCount, lastPurchaseAt}` over all PURCHASE interactions."""
    return await info.context.loaders.customer_purchases.load(customer_id)


async def purchased_products(info: Info, customer_id: str) -> list[ProductRow]:
    return await info.context.loaders.customer_products.load(customer_id)


async def interactions(
    info: Info,
    customer_id: str,
    *,
    first: int | None,
    after: str | None,
    types: list[InteractionType] | None,
    since: datetime | None,
) -> EdgePage[InteractionRow]:
    """Customer.interactions: newest first (occurredAt desc, id asc), filtered by type and
    time. Batched over all customers asking with the same arguments."""
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, int, int, str)
    seconds, nanos, last_id = key if key else (None, None, None)
    page = await info.context.loaders.customer_interactions.load(
        PageKey.of(
            customer_id,
            limit=size + 1,
            afterSeconds=seconds,
            afterNanos=nanos,
            afterId=last_id,
            types=None if types is None else tuple(sorted({t.value for t in types})),
            since=since,
        )
    )
    return edge_page(page, size)


async def lifecycle_funnel(info: Info) -> list[tuple[str, int]]:
    return await graph_customers.lifecycle_funnel(info.context.graph)
