"""Interaction: one contact between a customer and the company (a purchase, a call...)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry

from graph.model import InteractionType, TicketPriority, TicketStatus
from graph.rows import FeedbackSummaryRow, InteractionRow, ServiceLevelRow
from resolvers import interactions
from resolvers.context import Info
from schema import enums as _enums  # noqa: F401 (registers the enums)
from schema.args import given_only
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
    status: TicketStatus | None = strawberry.field(
        description="TICKET: where it stands (OPEN when created without one)."
    )
    priority: TicketPriority | None = strawberry.field(
        description="TICKET: how urgent (NORMAL when created without one)."
    )
    assignee: str | None = strawberry.field(description="TICKET: who works on it.")
    first_response_at: datetime | None = strawberry.field(
        description="TICKET: when it was first answered (the first update out of OPEN)."
    )
    resolved_at: datetime | None = strawberry.field(
        description="TICKET: when it became RESOLVED or CLOSED; none while open."
    )
    score: int | None = strawberry.field(description="FEEDBACK: 0-10, NPS-style.")
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
            status=None if (status := record.get("status")) is None else TicketStatus(status),
            priority=None if (level := record.get("priority")) is None else TicketPriority(level),
            assignee=record.get("assignee"),
            first_response_at=as_datetime(record.get("firstResponseAt")),
            resolved_at=as_datetime(record.get("resolvedAt")),
            score=record.get("score"),
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


strawberry.enum(
    TicketStatus, description="Where a ticket stands: RESOLVED and CLOSED are resolved."
)
strawberry.enum(TicketPriority, description="How urgent a ticket is; each has a target (SLA).")


@strawberry.input(
    description="An interaction as an app captures it: checked as an import line is (the same "
    "rules and field names); an id already recorded is updated, so a retried call does no harm."
)
class InteractionInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Generated when absent."
    )
    customer_id: strawberry.ID
    type: InteractionType
    occurred_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="Now when absent."
    )
    channel: str | None = strawberry.UNSET
    product_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Required for PURCHASE and VIEW."
    )
    amount: float | None = strawberry.UNSET
    quantity: int | None = strawberry.UNSET
    note: str | None = strawberry.UNSET
    status: TicketStatus | None = strawberry.field(
        default=strawberry.UNSET, description="TICKET only."
    )
    priority: TicketPriority | None = strawberry.field(
        default=strawberry.UNSET, description="TICKET only."
    )
    assignee: str | None = strawberry.field(default=strawberry.UNSET, description="TICKET only.")
    score: int | None = strawberry.field(
        default=strawberry.UNSET, description="FEEDBACK only: 0-10."
    )

    def given(self) -> dict[str, Any]:
        """The fields given, by import line name (camelCase)."""
        values = {
            "id": self.id, "customerId": self.customer_id, "type": self.type,
            "occurredAt": self.occurred_at, "channel": self.channel,
            "productId": self.product_id, "amount": self.amount, "quantity": self.quantity,
            "note": self.note, "status": self.status, "priority": self.priority,
            "assignee": self.assignee, "score": self.score,
        }  # fmt: skip
        return given_only(values)


@strawberry.input(
    description="What updateTicket changes: the fields given (a null assignee clears it)."
)
class TicketUpdate:
    status: TicketStatus | None = strawberry.UNSET
    priority: TicketPriority | None = strawberry.UNSET
    assignee: str | None = strawberry.UNSET
    note: str | None = strawberry.UNSET

    def given(self) -> dict[str, Any]:
        values = {"status": self.status, "priority": self.priority, "assignee": self.assignee,
                  "note": self.note}  # fmt: skip
        return given_only(values)


@strawberry.type(description="How a priority's tickets were served in a window (serviceLevels).")
class ServiceLevel:
    priority: TicketPriority
    tickets: int = strawberry.field(description="Created in the window.")
    open: int = strawberry.field(description="Of those, still OPEN or PENDING at the window's end.")
    median_first_response_minutes: float | None
    median_resolution_hours: float | None
    breached: int = strawberry.field(
        description="Resolved later than the priority's target (C360_SLA_HOURS), or still open "
        "past it (at the window's end, or now if sooner)."
    )

    @classmethod
    def from_record(cls, record: ServiceLevelRow) -> ServiceLevel:
        return cls(
            priority=TicketPriority(record["priority"]),
            tickets=record["tickets"],
            open=record["open"],
            median_first_response_minutes=record["medianFirstResponseMinutes"],
            median_resolution_hours=record["medianResolutionHours"],
            breached=record["breached"],
        )


@strawberry.type(description="Scored feedback of one group of customers (feedbackSummary).")
class FeedbackSummary:
    group: str = strawberry.field(description="A tag's name, or 全部 (everyone).")
    responses: int = strawberry.field(description="FEEDBACK interactions with a score.")
    average_score: float | None
    nps: float | None = strawberry.field(
        description="% scores 9-10 minus % scores 0-6, from -100 to 100."
    )

    @classmethod
    def from_record(cls, record: FeedbackSummaryRow) -> FeedbackSummary:
        return cls(
            group=record["group"],
            responses=record["responses"],
            average_score=record["averageScore"],
            nps=record["nps"],
        )
