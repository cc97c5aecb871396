"""Query.similarCustomers, Query.alsoBought, Query.customerMap (see `graph.traversal`).

The customers and products found are primed into the request's loaders, so asking for their
own fields by id costs no extra query.
"""

from __future__ import annotations

from graph import traversal
from graph.traversal import MAX_DEPTH, MAX_FIRST, MAX_LIMIT, CustomerMap, ProductCount, Similar
from resolvers.clean import in_range
from resolvers.context import Info


async def similar_customers(info: Info, customer_id: str, first: int | None) -> list[Similar]:
    size = in_range("first", first, 0, MAX_FIRST)
    found = await traversal.similar_customers(info.context.graph, customer_id, size)
    info.context.loaders.customer.prime_many({s.customer["id"]: s.customer for s in found})
    return found


async def also_bought(info: Info, product_id: str, first: int | None) -> list[ProductCount]:
    size = in_range("first", first, 0, MAX_FIRST)
    found = await traversal.also_bought(info.context.graph, product_id, size)
    info.context.loaders.product.prime_many({p.product["id"]: p.product for p in found})
    return found


async def customer_map(
    info: Info, customer_id: str, depth: int | None, limit: int | None
) -> CustomerMap:
    hops = in_range("depth", depth, 0, MAX_DEPTH)
    most = in_range("limit", limit, 1, MAX_LIMIT)
    return await traversal.customer_map(info.context.graph, customer_id, hops, most)
