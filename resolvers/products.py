"""Product fields and queries."""

from __future__ import annotations

from graph.rows import ProductRow
from resolvers.context import Info


async def product(info: Info, product_id: str) -> ProductRow | None:
    return await info.context.loaders.product.load(product_id)


async def buyer_count(info: Info, product_id: str) -> int:
    """Distinct customers with a PURCHASE of the product."""
    return await info.context.loaders.product_buyer_count.load(product_id)
