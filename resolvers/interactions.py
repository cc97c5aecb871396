"""Interaction fields: its product and its customer, fetched with the interaction by a
translated read, else from the by-id DataLoaders (many interactions share a product)."""

from __future__ import annotations

from graph.rows import CustomerRow, ProductRow
from resolvers.context import Info
from resolvers.selection import MISSING, Parent, fetched


async def product(info: Info, interaction: Parent, product_id: str | None) -> ProductRow | None:
    if (found := fetched(info, interaction)) is not MISSING:
        value: ProductRow | None = found
        return value
    if product_id is None:
        return None
    return await info.context.loaders.product.load(product_id)


async def customer(info: Info, interaction: Parent, customer_id: str) -> CustomerRow | None:
    if (found := fetched(info, interaction)) is not MISSING:
        value: CustomerRow | None = found
        return value
    return await info.context.loaders.customer.load(customer_id)
