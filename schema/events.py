"""Subscription: tag change events (over graphql-transport-ws at /graphql)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from graph.model import TagChange, TagSource
from graph.rows import TagEventRow
from resolvers import events
from resolvers.context import Info
from schema.args import given
from schema.customer import Customer
from schema.fields import field, subscription
from schema.scalars import as_datetime, must
from schema.tag import Tag

strawberry.enum(TagChange, description="A tag assignment appeared or went away.")


@strawberry.type(description="One change of one customer's tags, with where it came from.")
class TagEvent:
    change: TagChange
    source: TagSource
    at: datetime
    customer_id: strawberry.Private[str]
    tag_name: strawberry.Private[str]
    seq: int = strawberry.field(description="Position in the event log: increasing, no gaps.")

    @classmethod
    def from_record(cls, record: TagEventRow) -> TagEvent:
        return cls(
            change=TagChange(record["change"]),
            source=TagSource(record["source"]),
            at=must(as_datetime(record["at"])),
            customer_id=record["customerId"],
            tag_name=record["tagName"],
            seq=int(record["seq"]),
        )

    @field(description="The customer whose tags changed.")
    async def customer(self, info: Info) -> Customer:
        return Customer.from_record(await events.customer(info, self.customer_id))

    @field(description="The tag, as it is now (a renamed or merged tag by its current name).")
    async def tag(self, info: Info) -> Tag:
        return Tag.from_record(await events.tag(info, self.tag_name))


@strawberry.type
class Subscription:
    @subscription(
        description="Every ADDED/REMOVED tag change from now on, from any source and any "
        "process, in log order; only those of `tags` (names or aliases) when given."
    )
    async def tag_events(
        self, info: Info, tags: list[str] | None = strawberry.UNSET
    ) -> AsyncGenerator[TagEvent, None]:
        async for record in events.tag_events(info, given(tags)):
            yield TagEvent.from_record(record)
