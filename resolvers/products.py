"""Product fields and queries."""

from __future__ import annotations

from graph.rows import ProductRow
from resolvers.context import Info
from resolvers.selection import Parent, graph_field


async def product(info: Info, product_id: str) -> ProductRow | None:
    return await info.context.loaders.product.load(product_id)


async def buyer_count(info: Info, product: Parent) -> int:
    """Distinct customers with a PURCHASE of the product."""
    return int(await graph_field(info, "Product", product))
