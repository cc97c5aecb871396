"""Translated reads: a GraphQL root field and everything selected below it, one statement.

The statement is `cypher/views/<name>.cypher` with the selection projected into it by
`graph.translate`; a row is the response's shape for the graph's fields (properties under
their names, nested fields under `_fetched` by response key). One round trip, whatever the
nesting; fields with no fragment are left to the DataLoaders.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.db import Graph
from graph.paging import Page
from graph.rows import CustomerRow
from graph.search import SearchTerms
from graph.translate.projection import view
from graph.translate.selection import Selection


async def customer(
    graph: Graph, customer_id: str, selections: Iterable[Selection]
) -> CustomerRow | None:
    """The customer with this id and what is selected below it, or None."""
    text, params = view("customer", selections, id=customer_id)
    rows = await graph.run_text("views/customer", text, **params)
    return rows[0]["customer"] if rows else None


async def customers(
    graph: Graph, selections: Iterable[Selection], *, limit: int, after: str
) -> Page[CustomerRow]:
    """Up to `limit` customers by id after the id `after`, what is selected below each, and
    how many customers there are."""
    text, params = view("customers", selections, limit=limit, after=after)
    [row] = await graph.run_text("views/customers", text, **params)
    return Page.from_value(row)


async def search_customers(
    graph: Graph,
    selections: Iterable[Selection],
    terms: SearchTerms,
    *,
    limit: int,
    after: tuple[int, str] | None,
) -> Page[CustomerRow]:
    """Up to `limit` customers matching the search after the key `after` (rank, id), what
    is selected below each, and how many match."""
    rank, customer_id = after if after is not None else (-1, "")
    text, params = view(
        "search_customers",
        selections,
        query=terms.query,
        email=terms.email,
        phone=terms.phone,
        needle=terms.needle,
        limit=limit,
        afterRank=rank,
        afterId=customer_id,
    )
    [row] = await graph.run_text("views/search_customers", text, **params)
    return Page.from_value(row)


# Query.customers(orderBy:): each order field, the property it reads, and whether it is
# temporal; cypher/schema/indexes.cypher indexes each (property, id).
ORDER_PROPERTIES: dict[str, tuple[str, bool]] = {
    "ID": ("id", False),
    "NAME": ("name", False),
    "CREATED_AT": ("createdAt", True),
    "TOTAL_SPEND": ("purchaseTotal", False),
    "LAST_PURCHASE_AT": ("lastPurchaseAt", True),
}


async def customers_ordered(
    graph: Graph,
    selections: Iterable[Selection],
    *,
    field: str,
    descending: bool,
    backward: bool,
    limit: int,
    key: tuple[bool, Any, str] | None,
) -> Page[CustomerRow]:
    """Up to `limit` customers in this order after (or, `backward`, before) the key
    (missing, value, id), what is selected below each, and how many customers there are.
    Backward rows come nearest first: the caller reverses them."""
    prop, temporal = ORDER_PROPERTIES[field]
    missing, value, customer_id = key if key is not None else (False, None, None)
    text, params = view(
        "customers_ordered",
        selections,
        instance=("ORDER_PROPERTY", prop),
        temporal=temporal,
        up=descending == backward,  # the values are visited low to high
        backward=backward,
        limit=limit,
        afterMissing=missing,
        afterValue=value,
        afterId=customer_id,
    )
    [row] = await graph.run_text("views/customers_ordered", text, **params)
    return Page.from_value(row)
