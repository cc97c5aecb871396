"""Product."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.rows import ProductRow
from resolvers import products
from resolvers.context import Info
from schema.fields import field


@strawberry.type(description="Something customers buy or look at.")
class Product:
    id: strawberry.ID
    sku: str | None
    name: str
    category: str | None
    price: float | None
    # What a translated read fetched for this object's fields, by response key (`{}` when
    # it came from elsewhere): see resolvers/selection.py.
    fetched: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: ProductRow) -> Product:
        price = record.get("price")
        return cls(
            id=strawberry.ID(record["id"]),
            sku=record.get("sku"),
            name=record["name"],
            category=record.get("category"),
            price=None if price is None else float(price),
            fetched=record.get("_fetched") or {},
        )

    @field(description="Distinct customers with a PURCHASE of this product.")
    async def buyer_count(self, info: Info) -> int:
        return await products.buyer_count(info, self)
