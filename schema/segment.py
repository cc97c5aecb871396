"""SegmentDefinition (input), SegmentPreview and Segment (saved)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from graph.model import InteractionType, LifecycleStageName
from graph.rows import SegmentRow, SnapshotRow
from graph.segments.definition import KEYS, Definition
from resolvers import segments
from resolvers.context import Info
from schema import enums as _enums  # noqa: F401 (registers the enums)
from schema.args import given
from schema.customer import Customer
from schema.fields import field
from schema.pagination import Connection
from schema.scalars import as_datetime, must

UNSET: Any = strawberry.UNSET


@strawberry.input(description="A custom field (Customer.fields) equal to a text, or one of some.")
class CustomFieldCondition:
    key: str
    equals: str | None = UNSET
    in_: list[str] | None = strawberry.field(name="in", default=UNSET)

    def to_raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"key": self.key}
        if self.equals is not UNSET and self.equals is not None:
            raw["equals"] = self.equals
        if self.in_ is not UNSET and self.in_ is not None:
            raw["in"] = list(self.in_)
        return raw


@strawberry.input(
    description="Customers described by conditions; every condition given must hold. See the "
    "contract for each field. Also: an empty list is an error (leave the field out); "
    "interactionTypes without minInteractions means at least one; withinDays needs one of "
    "minPurchaseCount, minTotalSpend, maxTotalSpend, minInteractions; nesting is at most 8 deep "
    "and lists at most 1000 long. Ages use the UTC date of asOf."
)
class SegmentDefinition:
    all_tags: list[str] | None = UNSET
    any_tags: list[str] | None = UNSET
    none_tags: list[str] | None = UNSET
    stages: list[LifecycleStageName] | None = UNSET
    cities: list[str] | None = UNSET
    regions: list[str] | None = UNSET
    genders: list[str] | None = UNSET
    min_age: int | None = UNSET
    max_age: int | None = UNSET
    purchased_any_products: list[strawberry.ID] | None = UNSET
    purchased_all_products: list[strawberry.ID] | None = UNSET
    within_days: int | None = UNSET
    min_purchase_count: int | None = UNSET
    min_total_spend: float | None = UNSET
    max_total_spend: float | None = UNSET
    interaction_types: list[InteractionType] | None = UNSET
    min_interactions: int | None = UNSET
    no_purchase_within_days: int | None = UNSET
    first_purchase_within_days: int | None = strawberry.field(
        default=UNSET,
        description="Extension: the first PURCHASE (up to asOf) is within this many days.",
    )
    min_rfm_score: int | None = strawberry.field(
        default=UNSET,
        description="Extension: RFM score at asOf (0..15, docs/tags.md) at least this.",
    )
    max_rfm_score: int | None = strawberry.field(
        default=UNSET, description="Extension: RFM score at asOf at most this."
    )
    viewed_categories: list[str] | None = strawberry.field(
        default=UNSET,
        description="Extension: VIEWed products of these categories (within withinDays).",
    )
    min_category_views: int | None = strawberry.field(
        default=UNSET, description="Extension: with viewedCategories, at least this many views."
    )
    fields: list[CustomFieldCondition] | None = strawberry.field(
        default=UNSET,
        description="Custom fields (Customer.fields), compared as text: every condition holds.",
    )
    and_: list[SegmentDefinition] | None = strawberry.field(name="and", default=UNSET)
    or_: list[SegmentDefinition] | None = strawberry.field(name="or", default=UNSET)
    not_: SegmentDefinition | None = strawberry.field(name="not", default=UNSET)

    def to_raw(self) -> dict[str, Any]:
        """Plain data with the contract's keys (given, non-null fields only), for validation."""
        raw: dict[str, Any] = {}
        for definition in strawberry.types.base.get_object_definition(self, strict=True).fields:
            value = getattr(self, definition.python_name)
            if value is UNSET or value is None:
                continue
            raw[KEYS[definition.python_name]] = _plain(value)
        return raw


def _plain(value: Any) -> Any:
    if isinstance(value, SegmentDefinition | CustomFieldCondition):
        return value.to_raw()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, LifecycleStageName | InteractionType):
        return value.value
    return value


@strawberry.type(description="What a definition matches at one moment (asOf), not saved.")
class SegmentPreview:
    checked: strawberry.Private[Definition]  # validated, names checked, aliases resolved
    checked_as_of: strawberry.Private[datetime]
    cypher: str = strawberry.field(
        description="The parameterised Cypher behind `count` (`customers` runs the same "
        "MATCH/WHERE, paged), for analysts; values are in `cypherParams`."
    )
    cypher_params: str = strawberry.field(description="The parameters of `cypher`, as JSON.")
    counted: strawberry.Private[int | None] = None  # counted with the check (segmentPreview)

    @field(description="The moment the definition is evaluated at.")
    def as_of(self) -> datetime:
        return self.checked_as_of

    @field(description="Customers matching.")
    async def count(self, info: Info) -> int:
        if self.counted is not None:
            return self.counted
        return await segments.count(info, self.checked, self.checked_as_of, checked=True)

    @field(description="Customers matching, by id.")
    async def customers(
        self, info: Info, first: int | None = 20, after: str | None = strawberry.UNSET
    ) -> Connection[Customer]:
        page = await segments.customers(
            info, self.checked, self.checked_as_of, True, first, given(after)
        )
        return Connection.of(page, Customer.from_record)


@strawberry.type(description="A saved segment; count and customers are evaluated live.")
class Segment:
    id: strawberry.ID
    name: str
    definition: str = strawberry.field(description="JSON text of the SegmentDefinition.")
    created_at: datetime | None

    @classmethod
    def from_record(cls, record: SegmentRow) -> Segment:
        return cls(
            id=strawberry.ID(record["id"]),
            name=record["name"],
            definition=record["definition"],
            created_at=as_datetime(record.get("createdAt")),
        )

    @field(description="Customers matching at asOf (default: now). Unknown tags are an error.")
    async def count(self, info: Info, as_of: datetime | None = strawberry.UNSET) -> int:
        definition = segments.stored(self.definition)
        return await segments.count(info, definition, given(as_of), checked=False)

    @field(description="Customers matching at asOf (default: now), by id.")
    async def customers(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = strawberry.UNSET,
        as_of: datetime | None = strawberry.UNSET,
    ) -> Connection[Customer]:
        definition = segments.stored(self.definition)
        page = await segments.customers(info, definition, given(as_of), False, first, given(after))
        return Connection.of(page, Customer.from_record)

    @field(description="Its snapshots, newest first.")
    async def snapshots(self, info: Info) -> list[SegmentSnapshot]:
        records = await segments.segment_snapshots(info, self.id, self.definition)
        return [SegmentSnapshot.from_record(record) for record in records]


@strawberry.type(
    description="A saved segment's members frozen at a moment (a campaign's audience); they "
    "stay as they were when the customers' tags change."
)
class SegmentSnapshot:
    id: strawberry.ID
    segment_id: strawberry.Private[str]
    taken_at: datetime = strawberry.field(description="When the snapshot was taken.")
    as_of: datetime = strawberry.field(description="The moment the segment was evaluated at.")
    count: int = strawberry.field(description="Its members.")

    @classmethod
    def from_record(cls, record: SnapshotRow) -> SegmentSnapshot:
        return cls(
            id=strawberry.ID(record["id"]),
            segment_id=record["segmentId"],
            taken_at=must(as_datetime(record["takenAt"])),
            as_of=must(as_datetime(record["asOf"])),
            count=int(record["count"]),
        )

    @field(description="The segment it froze.")
    async def segment(self, info: Info) -> Segment:
        record = await segments.segment(info, self.segment_id)
        assert record is not None  # deleting a segment deletes its snapshots
        return Segment.from_record(record)

    @field(description="Its members, by id.")
    async def customers(
        self, info: Info, first: int | None = 20, after: str | None = strawberry.UNSET
    ) -> Connection[Customer]:
        page = await segments.snapshot_customers(info, self.id, None, first, given(after))
        return Connection.of(page, Customer.from_record)


@strawberry.type(description="Who joined and who left between two snapshots.")
class SegmentDiff:
    from_id: strawberry.Private[str]
    to_id: strawberry.Private[str]

    @field(description="Members of `to` that were not in `from`, by id.")
    async def joined(
        self, info: Info, first: int | None = 20, after: str | None = strawberry.UNSET
    ) -> Connection[Customer]:
        page = await segments.snapshot_customers(info, self.to_id, self.from_id, first,
                                                 given(after))  # fmt: skip
        return Connection.of(page, Customer.from_record)

    @field(description="Members of `from` that are not in `to`, by id.")
    async def left(
        self, info: Info, first: int | None = 20, after: str | None = strawberry.UNSET
    ) -> Connection[Customer]:
        page = await segments.snapshot_customers(info, self.from_id, self.to_id, first,
                                                 given(after))  # fmt: skip
        return Connection.of(page, Customer.from_record)
