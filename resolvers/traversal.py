"""Query.similarCustomers, Query.alsoBought, Query.customerMap (see `graph.traversal`).

The customers and products found are primed into the request's loaders, so asking for their
own fields by id costs no extra query.
"""

from __future__ import annotations

from graph import traversal
from graph.traversal import CustomerMap, ProductCount, Similar
from schema.context import Info


async def similar_customers(info: Info, customer_id: str, first: int | None) -> list[Similar]:
    found = await traversal.similar_customers(info.context.graph, customer_id, first)
    info.context.loaders.customer.prime_many({s.customer["id"]: s.customer for s in found})
    return found


async def also_bought(info: Info, product_id: str, first: int | None) -> list[ProductCount]:
    found = await traversal.also_bought(info.context.graph, product_id, first)
    info.context.loaders.product.prime_many({p.product["id"]: p.product for p in found})
    return found


async def customer_map(
    info: Info, customer_id: str, depth: int | None, limit: int | None
) -> CustomerMap:
    return await traversal.customer_map(info.context.graph, customer_id, depth, limit)
