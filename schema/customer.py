"""Customer, its connection, and the input of upsertCustomer."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry

from graph import duplicates
from graph.model import InteractionType, LifecycleStageName, TimelineKind
from graph.rows import CustomerRow
from resolvers import customers, linkage
from resolvers.context import Info
from resolvers.pagination import EdgePage
from schema import enums as _enums  # noqa: F401 (registers the enums)
from schema.args import given, given_only
from schema.fields import field
from schema.interaction import Interaction
from schema.linkage import Task
from schema.pagination import Connection, PageInfo
from schema.product import Product
from schema.scalars import as_date, as_datetime, must
from schema.security import PersonalData
from schema.tag import Tag, TagAssignment
from schema.timeline import TimelineConnection
from security.masking import mask_email, mask_phone


@strawberry.enum(description="What Query.customers can be ordered by.")
class CustomerOrderField(Enum):
    ID = "ID"
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"
    TOTAL_SPEND = "TOTAL_SPEND"
    LAST_PURCHASE_AT = "LAST_PURCHASE_AT"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="An order for Query.customers; ties by id ascending.")
class CustomerOrder:
    field: CustomerOrderField
    direction: OrderDirection = OrderDirection.ASC

    def plain(self) -> customers.Order:
        return customers.Order(self.field.value, self.direction is OrderDirection.DESC)


@strawberry.type(description="A time in one lifecycle stage; `to` is null while it lasts.")
class StageSpan:
    stage: LifecycleStageName
    from_: datetime = strawberry.field(name="from")
    to: datetime | None

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> StageSpan:
        return cls(
            stage=LifecycleStageName(record["stage"]),
            from_=must(as_datetime(record["from"])),
            to=as_datetime(record.get("to")),
        )


@strawberry.type(description="A property beyond the model: its key and its value as text.")
class CustomField:
    key: str
    value: str


@strawberry.input(description="A custom field to set; a null value removes it.")
class CustomFieldInput:
    key: str
    value: str | None = None


@strawberry.type(description="A customer and everything the graph knows about them.")
class Customer:
    id: strawberry.ID
    name: str
    email: str | None = strawberry.field(
        description="Personal data: masked (a***@example.com) for roles without it.",
        extensions=[PersonalData(mask_email)],
    )
    phone: str | None = strawberry.field(
        description="Personal data: masked (+86*******5678) for roles without it.",
        extensions=[PersonalData(mask_phone)],
    )
    gender: str | None = strawberry.field(description="F, M or U.")
    birth_date: date | None = strawberry.field(
        description="Personal data: null for roles without it.",
        extensions=[PersonalData(lambda _: None)],
    )
    city: str | None
    region: str | None
    created_at: datetime | None
    source: str | None = strawberry.field(description="Acquisition channel.")
    updated_at: datetime | None = strawberry.field(description="Last change of a property.")
    owner: str | None = strawberry.field(
        description="Account manager, set by a linkage rule (ASSIGN_OWNER) or by hand."
    )
    # What a translated read fetched for this object's fields, by response key (`{}` when
    # it came from elsewhere): see resolvers/selection.py.
    fetched: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: CustomerRow) -> Customer:
        return cls(
            id=strawberry.ID(record["id"]),
            name=record["name"],
            email=record.get("email"),
            phone=record.get("phone"),
            gender=record.get("gender"),
            birth_date=as_date(record.get("birthDate")),
            city=record.get("city"),
            region=record.get("region"),
            created_at=as_datetime(record.get("createdAt")),
            source=record.get("source"),
            updated_at=as_datetime(record.get("updatedAt")),
            owner=record.get("owner"),
            fetched=record.get("_fetched") or {},
        )

    @field(
        description="Tags assigned directly, ordered by name; with `asOf`, those held then "
        "(replayed from the tag events; an assignment imported without assignedAt counts "
        "from its import)."
    )
    async def tags(self, info: Info, as_of: datetime | None = strawberry.UNSET) -> list[Tag]:
        records = await customers.tags(info, self, given(as_of))
        return [Tag.from_record(record) for record in records]

    @field(
        description="Everything that happened to the customer, newest first (at descending, "
        "then kind in TimelineKind's order, then id): interactions, tag additions and "
        "removals, stage and owner changes, tasks, profile updates. `kinds` filters."
    )
    async def timeline(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = strawberry.UNSET,
        kinds: list[TimelineKind] | None = strawberry.UNSET,
    ) -> TimelineConnection:
        page = await customers.timeline(
            info, self, first=first, after=given(after), kinds=given(kinds)
        )
        return TimelineConnection.of(page)

    @field(description="Tags held directly with their provenance, ordered by tag name.")
    async def tag_assignments(self, info: Info) -> list[TagAssignment]:
        records = await customers.tag_assignments(info, self)
        return [TagAssignment.from_record(record) for record in records]

    @field(
        description="The scalar properties an import or upsertCustomer gave beyond the model, "
        "by key, as text. Keys in C360_PERSONAL_FIELDS are masked for roles without "
        "personal data."
    )
    async def fields(self, info: Info) -> list[CustomField]:
        found = await customers.custom_fields(info, self)
        return [CustomField(key=key, value=value) for key, value in found if value is not None]

    @field(description="The ids of the customers merged into this one (mergeCustomers), by id.")
    async def merged_ids(self, info: Info) -> list[strawberry.ID]:
        return [strawberry.ID(i) for i in await customers.merged_ids(info, self)]

    @field(description="Follow-ups created by linkage rules, oldest first.")
    async def tasks(self, info: Info) -> list[Task]:
        return [Task.from_record(record) for record in await linkage.tasks(info, self.id)]

    @field(description="The stages it has been in, oldest first; the last is the current one.")
    async def stage_history(self, info: Info) -> list[StageSpan]:
        return [StageSpan.from_record(span) for span in await customers.stage_history(info, self)]

    @field(description="The current lifecycle stage.")
    async def stage(self, info: Info) -> LifecycleStageName | None:
        name = await customers.stage(info, self)
        return None if name is None else LifecycleStageName(name)

    @field(
        description="Newest first (occurredAt descending, then id ascending); `types` and "
        "`since` (occurredAt >= since) filter, `totalCount` counts all that match."
    )
    async def interactions(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = strawberry.UNSET,
        types: list[InteractionType] | None = strawberry.UNSET,
        since: datetime | None = strawberry.UNSET,
    ) -> Connection[Interaction]:
        page = await customers.interactions(
            info,
            self,
            first=first,
            after=given(after),
            types=given(types),
            since=given(since),
        )
        return Connection.of(page, Interaction.from_record)

    @field(description="Distinct products of this customer's purchases, by id.")
    async def purchased_products(self, info: Info) -> list[Product]:
        records = await customers.purchased_products(info, self)
        return [Product.from_record(record) for record in records]

    @field(description="Sum of PURCHASE amounts, all time.")
    async def total_spend(self, info: Info) -> float:
        return await customers.total_spend(info, self)

    @field(description="Number of PURCHASE interactions, all time.")
    async def purchase_count(self, info: Info) -> int:
        return await customers.purchase_count(info, self)

    @field(description="When the latest PURCHASE happened.")
    async def last_purchase_at(self, info: Info) -> datetime | None:
        return as_datetime(await customers.last_purchase_at(info, self))


@strawberry.input(
    description="upsertCustomer: fields left out stay as they are; null (or blank) clears one."
)
class CustomerInput:
    id: strawberry.ID
    name: str
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    gender: str | None = strawberry.UNSET
    birth_date: date | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    region: str | None = strawberry.UNSET
    source: str | None = strawberry.UNSET
    fields: list[CustomFieldInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Custom fields to set (a null value removes one); keys are property names "
        "(letters, digits, _) other than the model's.",
    )

    def given(self) -> dict[str, Any]:
        """The fields the caller gave, by graph property name (camelCase)."""
        values = {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "gender": self.gender,
            "birthDate": self.birth_date,
            "city": self.city,
            "region": self.region,
            "source": self.source,
        }
        given = given_only(values)
        if isinstance(self.fields, list):
            given["fields"] = [(item.key, item.value) for item in self.fields]
        return given


@strawberry.type(description="Customers that look like one person, and why.")
class DuplicateGroup:
    ids: strawberry.Private[tuple[str, ...]]
    reasons: list[str] = strawberry.field(
        description='What they share, among "email", "phone" and "name+birthDate".'
    )

    @field(description="Two or more customers, by id.")
    async def customers(self, info: Info) -> list[Customer]:
        records = await customers.by_ids(info, list(self.ids))
        return [Customer.from_record(record) for record in records]


@strawberry.type
class DuplicateGroupEdge:
    cursor: str
    node: DuplicateGroup


@strawberry.type(description="A page of duplicate groups, by their smallest id.")
class DuplicateGroupConnection:
    edges: list[DuplicateGroupEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Groups in all.")

    @classmethod
    def of(cls, page: EdgePage[duplicates.DuplicateGroup]) -> DuplicateGroupConnection:
        edges = [
            DuplicateGroupEdge(
                cursor=edge.cursor,
                node=DuplicateGroup(ids=edge.node.ids, reasons=list(edge.node.reasons)),
            )
            for edge in page.edges
        ]
        return cls(edges=edges, page_info=PageInfo.of(page), total_count=page.total_count)
