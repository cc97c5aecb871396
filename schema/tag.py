"""Tag: a label customers hold, in a taxonomy (CHILD_OF)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph.model import TagSource
from graph.rows import TagAssignmentRow, TagRow
from resolvers import tags
from resolvers.context import Info
from schema.args import given
from schema.fields import field
from schema.pagination import Connection
from schema.scalars import as_datetime, must

if TYPE_CHECKING:
    from schema.customer import Customer


@strawberry.type(description="A label customers hold; tags form a forest through CHILD_OF.")
class Tag:
    id: strawberry.ID
    name: str
    category: str | None
    description: str | None
    status: str = strawberry.field(description="ACTIVE or DEPRECATED.")
    # What a translated read fetched for this object's fields, by response key (`{}` when
    # it came from elsewhere): see resolvers/selection.py.
    fetched: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: TagRow) -> Tag:
        return cls(
            id=strawberry.ID(record["id"]),
            name=record["name"],
            category=record.get("category"),
            description=record.get("description"),
            status=record.get("status") or "ACTIVE",
            fetched=record.get("_fetched") or {},
        )

    @field(description="The tag directly above this one, if any.")
    async def parent(self, info: Info) -> Tag | None:
        record = await tags.parent(info, self)
        return None if record is None else Tag.from_record(record)

    @field(description="The tags directly below this one, ordered by name.")
    async def children(self, info: Info) -> list[Tag]:
        return [Tag.from_record(record) for record in await tags.children(info, self)]

    @field(description="Old names that still resolve to this tag (after renameTag or mergeTags).")
    async def aliases(self, info: Info) -> list[str]:
        return await tags.aliases(info, self)

    @field(description="Customers holding this tag directly.")
    async def customer_count(self, info: Info) -> int:
        return await tags.customer_count(info, self)

    @field(description="Customers holding this tag directly, by id.")
    async def customers(
        self, info: Info, first: int | None = 20, after: str | None = strawberry.UNSET
    ) -> Connection[Annotated[Customer, strawberry.lazy("schema.customer")]]:
        from schema.customer import Customer  # here: schema.customer imports this module

        page = await tags.customers(info, self, first, given(after))
        return Connection.of(page, Customer.from_record)


@strawberry.type(description="A tag a customer holds directly, with where it came from.")
class TagAssignment:
    tag: Tag
    source: TagSource
    assigned_at: datetime
    rule_id: strawberry.ID | None = strawberry.field(
        description="The tag rule that assigned it (source RULE)."
    )

    @classmethod
    def from_record(cls, record: TagAssignmentRow) -> TagAssignment:
        rule_id = record.get("ruleId")
        return cls(
            tag=Tag.from_record(record["tag"]),
            source=TagSource(record["source"]),
            assigned_at=must(as_datetime(record["assignedAt"])),
            rule_id=None if rule_id is None else strawberry.ID(rule_id),
        )
