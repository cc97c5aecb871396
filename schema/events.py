"""Subscription: tag events and every change (over graphql-transport-ws at /graphql, SSE
and multipart), from the change log (graph/changes.py)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from graph.model import ChangeKind, LifecycleStageName, TagChange, TagSource
from graph.rows import ChangeRow, TagEventRow
from resolvers import events
from resolvers.context import Info
from schema.args import given
from schema.customer import Customer
from schema.fields import field, subscription
from schema.scalars import as_datetime, must
from schema.tag import Tag

strawberry.enum(TagChange, description="A tag assignment appeared or went away.")
strawberry.enum(ChangeKind, description="What a change event (Subscription.changes) is about.")


@strawberry.type(description="One change of one customer's tags, with where it came from.")
class TagEvent:
    change: TagChange
    source: TagSource
    at: datetime
    customer_id: strawberry.Private[str]
    tag_name: strawberry.Private[str]
    seq: int = strawberry.field(
        description="Position in the change log: increasing (the log numbers every change, "
        "so tag events alone skip the numbers of the others)."
    )

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


@strawberry.type(description="One change in the change log, in seq order.")
class ChangeEvent:
    seq: strawberry.ID = strawberry.field(description="Position in the log: increasing.")
    kind: ChangeKind
    at: datetime
    customer_id: strawberry.ID = strawberry.field(
        description="Whose data changed (the surviving customer's for a merge)."
    )
    actor: str | None = strawberry.field(description="Who made the change ('import' for imports).")
    tag: str | None = strawberry.field(description="TAG_ADDED, TAG_REMOVED: the tag's name then.")
    stage: LifecycleStageName | None = strawberry.field(description="STAGE_CHANGED: the new stage.")
    subject_id: strawberry.ID | None = strawberry.field(
        description="TASK_CHANGED: the task; INTERACTION_RECORDED, TICKET_CHANGED: the interaction."
    )
    merged_ids: list[strawberry.ID] | None = strawberry.field(
        description="CUSTOMER_MERGED: the ids merged into customerId."
    )

    @classmethod
    def from_record(cls, record: ChangeRow) -> ChangeEvent:
        stage = record.get("stage")
        merged = record.get("mergedIds")
        subject = record.get("taskId") or record.get("interactionId")
        return cls(
            seq=strawberry.ID(str(record["seq"])),
            kind=ChangeKind(record["kind"]),
            at=must(as_datetime(record["at"])),
            customer_id=strawberry.ID(record["customerId"]),
            actor=record.get("actor"),
            tag=record.get("tagName"),
            stage=None if stage is None else LifecycleStageName(stage),
            subject_id=None if subject is None else strawberry.ID(subject),
            merged_ids=None if merged is None else [strawberry.ID(m) for m in merged],
        )

    @field(description="The customer as it is now; null once erased.")
    async def customer(self, info: Info) -> Customer | None:
        record = await events.current_customer(info, self.customer_id)
        return None if record is None else Customer.from_record(record)


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

    @subscription(
        description="Every change (of `kinds`, of the customer `customerId`, when given), in "
        "log order, from any source and any process. From now on, or after `lastSeq` (also "
        'read from the socket\'s connection_init payload {"lastSeq": ...}): a client that '
        "reconnects with the last seq it saw misses nothing the log still holds."
    )
    async def changes(
        self,
        info: Info,
        kinds: list[ChangeKind] | None = strawberry.UNSET,
        customer_id: strawberry.ID | None = strawberry.UNSET,
        last_seq: strawberry.ID | None = strawberry.UNSET,
    ) -> AsyncGenerator[ChangeEvent, None]:
        async for record in events.changes_after(
            info, given(kinds), given(customer_id), given(last_seq)
        ):
            yield ChangeEvent.from_record(record)
