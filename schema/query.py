"""Query: the entry points for reading."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from graph.model import LifecycleStageName, TaskStatus, TicketPriority, TicketStatus
from resolvers import (
    audit,
    customers,
    journeys,
    linkage,
    products,
    segments,
    tag_rules,
    tags,
    tasks,
    tickets,
    traversal,
)
from resolvers.context import Info
from schema.args import given
from schema.audit import AuditEntry
from schema.customer import Customer, CustomerOrder, DuplicateGroupConnection
from schema.fields import field
from schema.interaction import FeedbackSummary, Interaction, ServiceLevel
from schema.journeys import JourneyStep, StageTransition
from schema.linkage import LinkageRule, TaskConnection
from schema.pagination import Connection
from schema.product import Product
from schema.segment import Segment, SegmentDefinition, SegmentDiff, SegmentPreview
from schema.tag import Tag
from schema.tag_health import TagHealth
from schema.tag_rule import TagRule
from schema.traversal import GraphView, ProductCount, SimilarCustomer


@strawberry.type(description="How many customers are currently in a lifecycle stage.")
class StageCount:
    stage: LifecycleStageName
    customers: int


@strawberry.type
class Query:
    @field(description="The audit trail, newest first (admins only).")
    async def audit_log(
        self, info: Info, first: int | None = 50, after: str | None = strawberry.UNSET
    ) -> Connection[AuditEntry]:
        page = await audit.audit_log(info, first, given(after))
        return Connection.of(page, AuditEntry.from_record)

    @field(description="A customer by id, or null.")
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        record = await customers.customer(info, id)
        return None if record is None else Customer.from_record(record)

    @field(
        description="All customers, by id or `orderBy` (ties, and customers without a value, "
        "by id after the rest); first/after page forward, last/before backward (20 when "
        "neither is given). With `where`, those the definition matches at asOf (default: "
        "now), as in segmentPreview, in the same orders and both ways."
    )
    async def customers(
        self,
        info: Info,
        first: int | None = strawberry.UNSET,
        after: str | None = strawberry.UNSET,
        last: int | None = strawberry.UNSET,
        before: str | None = strawberry.UNSET,
        where: SegmentDefinition | None = strawberry.UNSET,
        as_of: datetime | None = strawberry.UNSET,
        order_by: CustomerOrder | None = strawberry.UNSET,
    ) -> Connection[Customer]:
        definition, order = given(where), given(order_by)
        plain = None if order is None else order.plain()
        if definition is None:  # asOf applies to the definition's conditions
            page = await customers.customers(
                info, given(first), given(after), given(last), given(before), plain
            )
        else:
            request = customers.PageRequest.of(
                given(first), given(after), given(last), given(before), info.context.settings
            )
            page = await segments.matching_customers(
                info, definition.to_raw(), given(as_of), request, plain
            )
        return Connection.of(page, Customer.from_record)

    @field(
        description="A work queue: tasks by dueAt ascending (those without one last), then "
        "id; of these statuses (a rule's older tasks are OPEN), this assignee, due before "
        "this time, when given."
    )
    async def tasks(
        self,
        info: Info,
        status: list[TaskStatus] | None = strawberry.UNSET,
        assignee: str | None = strawberry.UNSET,
        due_before: datetime | None = strawberry.UNSET,
        first: int | None = 20,
        after: str | None = strawberry.UNSET,
    ) -> TaskConnection:
        page = await tasks.queue(
            info, given(status), given(assignee), given(due_before), first, given(after)
        )
        return TaskConnection.of(page)

    @field(
        description="Tickets (TICKET interactions), newest first; of these statuses, "
        "priorities and assignee, when given."
    )
    async def tickets(
        self,
        info: Info,
        status: list[TicketStatus] | None = strawberry.UNSET,
        priority: list[TicketPriority] | None = strawberry.UNSET,
        assignee: str | None = strawberry.UNSET,
        first: int | None = 20,
        after: str | None = strawberry.UNSET,
    ) -> Connection[Interaction]:
        page = await tickets.queue(
            info, given(status), given(priority), given(assignee), first, given(after)
        )
        return Connection.of(page, Interaction.from_record)

    @field(
        description="How tickets that occurred in [from, to) were served, one row per priority "
        "from LOW to URGENT, against the targets of C360_SLA_HOURS."
    )
    async def service_levels(
        self, info: Info, from_: Annotated[datetime, strawberry.argument(name="from")], to: datetime
    ) -> list[ServiceLevel]:
        rows = await tickets.service_levels(info, from_, to)
        return [ServiceLevel.from_record(row) for row in rows]

    @field(
        description="Scored feedback in [from, to) (open bounds when absent): for everyone "
        "(全部, first), then for the customers of each tag directly below `byTag` (by name), "
        "a customer counting under a tag when holding it or a tag below it."
    )
    async def feedback_summary(
        self,
        info: Info,
        by_tag: str | None = strawberry.UNSET,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = strawberry.UNSET,
        to: datetime | None = strawberry.UNSET,
    ) -> list[FeedbackSummary]:
        rows = await tickets.feedback_summary(info, given(by_tag), given(from_), given(to))
        return [FeedbackSummary.from_record(row) for row in rows]

    @field(
        description="Groups of customers that share a normalised email, a normalised phone, or "
        "the same name and birthDate; groups that share a member are one group; ordered by "
        "their smallest id. For roles that see personal data (FORBIDDEN otherwise)."
    )
    async def duplicate_customers(
        self, info: Info, first: int | None = 20, after: str | None = strawberry.UNSET
    ) -> DuplicateGroupConnection:
        return DuplicateGroupConnection.of(await customers.duplicates(info, first, given(after)))

    @field(
        description="The customers whose id, email or phone equals the query (email trimmed "
        "and lower-cased, phone as imports normalise it), or whose name contains it "
        "(case-insensitive, NFKC; Chinese by any part of two or more characters). Exact "
        "id/email/phone matches first, then exact names, then other names; ties by id. "
        "A query under 2 characters is BAD_USER_INPUT."
    )
    async def search_customers(
        self,
        info: Info,
        query: str,
        first: int | None = 20,
        after: str | None = strawberry.UNSET,
    ) -> Connection[Customer]:
        page = await customers.search(info, query, first, given(after))
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

    @field(
        description="What the definition matches at asOf (default: now), without saving it. "
        "Unknown tag names (or product ids) are BAD_USER_INPUT."
    )
    async def segment_preview(
        self,
        info: Info,
        definition: SegmentDefinition,
        as_of: datetime | None = strawberry.UNSET,
    ) -> SegmentPreview:
        found = await segments.preview(info, definition.to_raw(), given(as_of))
        return SegmentPreview(
            checked=found.definition,
            checked_as_of=found.as_of,
            cypher=found.cypher,
            cypher_params=segments.params_json(found.params),
            counted=found.count,
        )

    @field(description="A saved segment by id, or null.")
    async def segment(self, info: Info, id: strawberry.ID) -> Segment | None:
        record = await segments.segment(info, id)
        return None if record is None else Segment.from_record(record)

    @field(
        description="Who joined and who left between two snapshots (ids of SegmentSnapshot); "
        "an unknown id is NOT_FOUND naming `from` or `to`."
    )
    async def segment_diff(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
    ) -> SegmentDiff:
        await segments.snapshot(info, from_, "from")
        await segments.snapshot(info, to, "to")
        return SegmentDiff(from_id=from_, to_id=to)

    @field(description="Every saved segment, ordered by name (then createdAt, then id).")
    async def segments(self, info: Info) -> list[Segment]:
        return [Segment.from_record(record) for record in await segments.segments(info)]

    @field(description="Unused, undescribed and redundant active tags.")
    async def tag_health(self) -> TagHealth:
        return TagHealth()

    @field(description="Every tag rule, in creation order (the order runs take).")
    async def tag_rules(self, info: Info) -> list[TagRule]:
        return [TagRule.from_record(record) for record in await tag_rules.rules(info)]

    @field(description="Every linkage rule, in creation order.")
    async def linkage_rules(self, info: Info) -> list[LinkageRule]:
        return [LinkageRule.from_record(record) for record in await linkage.rules(info)]

    @field(
        description="Customers sharing direct tags or purchased products with this one, by "
        "Jaccard score descending, then id; score > 0 only, the customer itself left out. "
        "first: 0..100. An unknown customerId is NOT_FOUND."
    )
    async def similar_customers(
        self, info: Info, customer_id: strawberry.ID, first: int | None = 10
    ) -> list[SimilarCustomer]:
        found = await traversal.similar_customers(info, customer_id, first)
        return [SimilarCustomer.of(s) for s in found]

    @field(
        description="Products purchased by the customers who purchased this one (it left "
        "out), with how many distinct such customers; by customers descending, then id. "
        "first: 0..100. An unknown productId is NOT_FOUND."
    )
    async def also_bought(
        self, info: Info, product_id: strawberry.ID, first: int | None = 10
    ) -> list[ProductCount]:
        return [ProductCount.of(p) for p in await traversal.also_bought(info, product_id, first)]

    @field(
        description="The customer's own world for drawing: the nodes it reaches in 1..depth "
        "hops along its relationships (its tags and the tags above them, interactions and "
        "their products, stages, tasks), the customer first, then the nearest, at most limit "
        "nodes; edges between them. depth: 0..5, limit: 1..1000. Unknown customerId: NOT_FOUND."
    )
    async def customer_map(
        self, info: Info, customer_id: strawberry.ID, depth: int | None = 2, limit: int | None = 200
    ) -> GraphView:
        return GraphView.of(await traversal.customer_map(info, customer_id, depth, limit))

    @field(description="All seven lifecycle stages in order, with zeros.")
    async def lifecycle_funnel(self, info: Info) -> list[StageCount]:
        return [
            StageCount(stage=LifecycleStageName(stage), customers=count)
            for stage, count in await customers.lifecycle_funnel(info)
        ]

    @field(
        description="Moves between lifecycle stages made in [from, to) (a move happens when "
        "its new stage is entered; either bound optional), one per (from, to) pair; from is "
        "null for a customer's first stage. By customers descending, then from in stage order "
        "(null first), then to. `to` before `from` is BAD_USER_INPUT naming `to`."
    )
    async def stage_transitions(
        self,
        info: Info,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = strawberry.UNSET,
        to: datetime | None = strawberry.UNSET,
    ) -> list[StageTransition]:
        found = await journeys.stage_transitions(info, given(from_), given(to))
        return [StageTransition.of(transition) for transition in found]

    @field(
        description="For the customers of the definition, evaluated now (everyone when "
        "absent): all seven lifecycle stages in order, how many ever entered each (history or "
        "current stage), and the median days from their first stage to it. The definition is "
        "checked as segmentPreview checks it."
    )
    async def journey(
        self, info: Info, definition: SegmentDefinition | None = strawberry.UNSET
    ) -> list[JourneyStep]:
        given_definition = given(definition)
        raw = None if given_definition is None else given_definition.to_raw()
        return [JourneyStep.of(step) for step in await journeys.journey(info, raw)]
