"""Query: the entry points for reading."""

from __future__ import annotations

import strawberry

from graph.model import LifecycleStageName
from resolvers import customers, products, tags
from schema.args import given
from schema.context import Info
from schema.customer import Customer
from schema.fields import field
from schema.pagination import Connection
from schema.product import Product
from schema.tag import Tag


@strawberry.type(description="How many customers are currently in a lifecycle stage.")
class StageCount:
    stage: LifecycleStageName
    customers: int


@strawberry.type
class Query:
    @field(description="A customer by id, or null.")
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        record = await customers.customer(info, id)
        return None if record is None else Customer.from_record(record)

    @field(description="All customers, by id.")
    async def customers(
        self, info: Info, first: int | None = 20, after: str | None = strawberry.UNSET
    ) -> Connection[Customer]:
        page = await customers.customers(info, first, given(after))
        return Connection.of(page, Customer.from_record)

    @field(description="A product by id, or null.")
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        record = await products.product(info, id)
        return None if record is None else Product.from_record(record)

    @field(description="A tag by name (normalised like tag names are), or null.")
    async def tag(self, info: Info, name: str) -> Tag | None:
        record = await tags.tag(info, name)
        return None if record is None else Tag.from_record(record)

    @field(description="Tags ordered by name; deprecated ones only when asked for.")
    async def tags(
        self,
        info: Info,
        category: str | None = strawberry.UNSET,
        include_deprecated: bool | None = False,
    ) -> list[Tag]:
        records = await tags.tags(info, given(category), include_deprecated)
        return [Tag.from_record(record) for record in records]

    @field(description="All seven lifecycle stages in order, with zeros.")
    async def lifecycle_funnel(self, info: Info) -> list[StageCount]:
        return [
            StageCount(stage=LifecycleStageName(stage), customers=count)
            for stage, count in await customers.lifecycle_funnel(info)
        ]
