"""Interaction: one contact between a customer and the company (a purchase, a call...)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from graph.model import InteractionType
from graph.rows import InteractionRow
from resolvers import interactions
from resolvers.context import Info
from schema import enums as _enums  # noqa: F401 (registers the enums)
from schema.fields import field
from schema.product import Product
from schema.scalars import as_datetime

if TYPE_CHECKING:
    from schema.customer import Customer


@strawberry.type(description="One contact between a customer and the company.")
class Interaction:
    id: strawberry.ID
    type: InteractionType
    occurred_at: datetime
    channel: str | None
    amount: float | None
    quantity: int | None
    note: str | None
    product_id: strawberry.Private[str | None]
    customer_id: strawberry.Private[str]
    # What a translated read fetched for this object's fields, by response key (`{}` when
    # it came from elsewhere): see resolvers/selection.py.
    fetched: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: InteractionRow) -> Interaction:
        amount = record.get("amount")
        # A translated read projects occurredAt only where it is selected (a DateTime is the
        # driver's costliest value to decode); where it is not, nothing reads it.
        occurred_at = cast(datetime, as_datetime(record.get("occurredAt")))
        return cls(
            id=strawberry.ID(record["id"]),
            type=InteractionType(record["type"]),
            occurred_at=occurred_at,
            channel=record.get("channel"),
            amount=None if amount is None else float(amount),
            quantity=record.get("quantity"),
            note=record.get("note"),
            product_id=record.get("productId"),
            customer_id=record["customerId"],
            fetched=record.get("_fetched") or {},
        )

    @field(description="What it was about (every PURCHASE and VIEW has one).")
    async def product(self, info: Info) -> Product | None:
        record = await interactions.product(info, self, self.product_id)
        return None if record is None else Product.from_record(record)

    @field(description="Who it was with.")
    async def customer(self, info: Info) -> Annotated[Customer, strawberry.lazy("schema.customer")]:
        from schema.customer import Customer

        record = await interactions.customer(info, self, self.customer_id)
        if record is None:
            raise LookupError(f"interaction {self.id} has no customer {self.customer_id}")
        return Customer.from_record(record)
