"""Customer fields and queries.

The root fields read the customer and everything selected below it in one statement
(`graph.views`); a nested field finds its value there, or else (its parent came from a
mutation, a traversal, a segment) in the request's DataLoaders, so a page of N customers
costs the same number of round trips as a page of one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.errors import BadUserInput, Forbidden
from core.settings import Settings
from graph import customers as graph_customers
from graph import views
from graph.duplicates import DuplicateGroup, duplicate_groups
from graph.model import InteractionType, TimelineKind
from graph.paging import Page
from graph.rows import (
    CustomerRow,
    InteractionRow,
    ProductRow,
    TagAssignmentRow,
    TagRow,
    TimelineItemRow,
)
from graph.search import SearchTerms
from graph.translate.selection import Selection
from resolvers.context import Info
from resolvers.pagination import (
    Edge,
    EdgePage,
    check_first,
    decode_cursor,
    edge_page,
    encode_cursor,
)
from resolvers.selection import (
    Parent,
    after_a_cursor,
    below,
    fields_params,
    graph_field,
    graph_page,
    interactions_params,
    tags_params,
    timeline_params,
)
from security.masking import mask_text


async def customer(info: Info, customer_id: str) -> CustomerRow | None:
    """Query.customer: one statement for the customer and every field selected below it that
    the graph answers (`graph.translate`); the rest come from the DataLoaders."""
    return await views.customer(info.context.graph, customer_id, below(info))


@dataclass(frozen=True)
class Order:
    """Query.customers(orderBy:): a field of views.ORDER_PROPERTIES and a direction."""

    field: str = "ID"
    descending: bool = False

    @property
    def by_id(self) -> bool:
        return self.field == "ID" and not self.descending


@dataclass(frozen=True)
class PageRequest:
    """first/after or last/before, checked: the page's size, its direction and its cursor."""

    size: int
    backward: bool
    cursor: str | None

    @classmethod
    def of(
        cls,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
        settings: Settings,
    ) -> PageRequest:
        if first is not None and last is not None:
            raise BadUserInput("last", "give first or last, not both")
        backward = last is not None or before is not None
        if backward and after is not None:
            raise BadUserInput("after", "pages forward: with last/before, leave it out")
        asked = last if backward else first
        argument = "last" if backward else "first"
        size = check_first(20 if asked is None else asked, settings, argument)
        return cls(size, backward, before if backward else after)

    @property
    def forward_by_id(self) -> bool:
        """A plain page by id: forward, from the start or a cursor of that order."""
        return not self.backward and (self.cursor is None or _plain_cursor(self.cursor))

    def key(self, order: Order) -> tuple[bool, Any, str] | None:
        """The ordered key the cursor holds (BAD_USER_INPUT naming after/before)."""
        return decode_order_cursor(self.cursor, "before" if self.backward else "after", order)

    def ordered(self, page: Page[CustomerRow], order: Order) -> EdgePage[CustomerRow]:
        """The connection of an ordered page fetched with `size + 1` rows, nearest first."""
        rows = page.rows[: self.size]
        more = len(page.rows) > self.size
        if self.backward:
            rows.reverse()
        edges = [Edge(order_cursor(order, row["key"]), row["node"]) for row in rows]
        moved = self.cursor is not None
        return EdgePage(edges, has_next_page=moved if self.backward else more,
                        total_count=page.total,
                        has_previous_page=more if self.backward else moved)  # fmt: skip


async def customers(
    info: Info,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    order: Order | None = None,
) -> EdgePage[CustomerRow]:
    """Query.customers: by id (or `order`), forward (first/after) or backward (last/before);
    one statement for the page, the total and every field selected on the nodes that the
    graph answers."""
    order = order or Order()
    request = PageRequest.of(first, after, last, before, info.context.settings)
    nodes = Selection("customers", "customers", children=below(info)).at("edges", "node")
    if order.by_id and request.forward_by_id:
        key = decode_cursor(after, str)
        start = key[0] if key else ""
        page = await views.customers(info.context.graph, nodes, limit=request.size + 1, after=start)
        return edge_page(page, request.size, has_previous_page=start != "")
    page = await views.customers_ordered(
        info.context.graph,
        nodes,
        field=order.field,
        descending=order.descending,
        backward=request.backward,
        limit=request.size + 1,
        key=request.key(order),
    )
    return request.ordered(page, order)


def _plain_cursor(cursor: str) -> bool:
    try:
        decode_cursor(cursor, str)
    except BadUserInput:
        return False
    return True


def order_cursor(order: Order, key: list[Any]) -> str:
    """A page row's cursor: `[id]` in the default order (so it pages either way), else the
    order with the row's key (missing, value, id)."""
    missing, value, customer_id = key
    if order.by_id:
        return encode_cursor([customer_id])
    direction = "DESC" if order.descending else "ASC"
    return encode_cursor([order.field, direction, missing, value, customer_id])


def decode_order_cursor(
    cursor: str | None, argument: str, order: Order
) -> tuple[bool, Any, str] | None:
    """The key (missing, value, id) a cursor of this order holds; BAD_USER_INPUT naming the
    argument for a cursor of another connection or another order."""
    if cursor is None:
        return None
    if order.by_id and _plain_cursor(cursor):
        [customer_id] = decode_cursor(cursor, str) or [""]
        return (False, customer_id, customer_id)
    direction = "DESC" if order.descending else "ASC"
    try:
        decoded = decode_cursor(cursor, str, str, bool, object, str)
    except BadUserInput:
        decoded = None
    if (
        decoded is None
        or decoded[:2] != [order.field, direction]
        or not isinstance(decoded[3], str | int | float | None)
        or isinstance(decoded[3], bool)
    ):
        raise BadUserInput(argument, f"{cursor!r} is not a cursor of this connection in this order")
    return (decoded[2], decoded[3], decoded[4])


async def search(
    info: Info, query: str, first: int | None, after: str | None
) -> EdgePage[CustomerRow]:
    """Query.searchCustomers: one statement for the page, the total and every field selected
    on the nodes that the graph answers."""
    terms = SearchTerms.of(query)
    principal = info.context.principal
    if principal is None or not principal.sees_personal_data:
        # masked means not inferable: finding a customer by an email would confirm it
        terms = terms.without_personal_data()
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, int, str)
    nodes = Selection("searchCustomers", "searchCustomers", children=below(info)).at(
        "edges", "node"
    )
    page = await views.search_customers(
        info.context.graph,
        nodes,
        terms,
        limit=size + 1,
        after=(key[0], key[1]) if key else None,
    )
    return edge_page(page, size, has_previous_page=key is not None)


async def tags(info: Info, customer: Parent, as_of: datetime | None) -> list[TagRow]:
    params = tags_params({"asOf": as_of}, info.context.settings)
    tags: list[TagRow] = await graph_field(info, "Customer", customer, params)
    return tags


async def timeline(
    info: Info,
    customer: Parent,
    *,
    first: int | None,
    after: str | None,
    kinds: list[TimelineKind] | None,
) -> EdgePage[TimelineItemRow]:
    """Customer.timeline: its whole history, newest first, paged by keyset (see
    cypher/fields/Customer/timeline.cypher). Batched over all customers asking alike."""
    args = {"first": first, "after": after, "kinds": kinds}
    params = timeline_params(args, info.context.settings)
    page: Page[TimelineItemRow] = await graph_page(info, "Customer", customer, params)
    return edge_page(page, params["limit"] - 1, has_previous_page=after_a_cursor(params))


async def custom_fields(info: Info, customer: Parent) -> list[tuple[str, str | None]]:
    """Customer.fields by key; for roles without personal data, the values of the keys in
    C360_PERSONAL_FIELDS masked (an email-like value as emails are, any other to its first
    character)."""
    params = fields_params({}, info.context.settings)
    found: list[dict[str, str]] = await graph_field(info, "Customer", customer, params)
    principal = info.context.principal
    masked = principal is None or not principal.sees_personal_data
    personal = info.context.settings.personal_field_keys
    return [
        (item["key"], mask_text(item["value"]) if masked and item["key"] in personal
         else item["value"])
        for item in sorted(found, key=lambda item: item["key"])
    ]  # fmt: skip


async def merged_ids(info: Info, customer: Parent) -> list[str]:
    ids: list[str] = await graph_field(info, "Customer", customer)
    return ids


async def tag_assignments(info: Info, customer: Parent) -> list[TagAssignmentRow]:
    assignments: list[TagAssignmentRow] = await graph_field(info, "Customer", customer)
    return assignments


async def stage_history(info: Info, customer: Parent) -> list[dict[str, Any]]:
    spans: list[dict[str, Any]] = await graph_field(info, "Customer", customer)
    return spans


async def stage(info: Info, customer: Parent) -> str | None:
    name: str | None = await graph_field(info, "Customer", customer)
    return name


async def total_spend(info: Info, customer: Parent) -> float:
    return float(await graph_field(info, "Customer", customer) or 0.0)


async def purchase_count(info: Info, customer: Parent) -> int:
    return int(await graph_field(info, "Customer", customer) or 0)


async def last_purchase_at(info: Info, customer: Parent) -> Any:
    """A Neo4j DateTime, or None."""
    return await graph_field(info, "Customer", customer)


async def purchased_products(info: Info, customer: Parent) -> list[ProductRow]:
    products: list[ProductRow] = await graph_field(info, "Customer", customer)
    return products


async def interactions(
    info: Info,
    customer: Parent,
    *,
    first: int | None,
    after: str | None,
    types: list[InteractionType] | None,
    since: datetime | None,
) -> EdgePage[InteractionRow]:
    """Customer.interactions: newest first (occurredAt desc, id asc), filtered by type and
    time. Batched over all customers asking with the same arguments."""
    args = {"first": first, "after": after, "types": types, "since": since}
    params = interactions_params(args, info.context.settings)
    page: Page[InteractionRow] = await graph_page(info, "Customer", customer, params)
    return edge_page(page, params["limit"] - 1, has_previous_page=after_a_cursor(params))


async def lifecycle_funnel(info: Info) -> list[tuple[str, int]]:
    return await graph_customers.lifecycle_funnel(info.context.graph)


async def duplicates(info: Info, first: int | None, after: str | None) -> EdgePage[DuplicateGroup]:
    """Query.duplicateCustomers: the groups by their smallest id, `first` after the cursor.
    Only for roles that see personal data: a group says that two customers share an email or
    a phone, and whoever knows one of them would learn the other's (masked means not
    inferable)."""
    principal = info.context.principal
    if principal is None or not principal.sees_personal_data:
        refusal = Forbidden(
            "duplicateCustomers tells which customers share an email, a phone or a birthDate: "
            "for roles that see personal data"
        )
        refusal.field = "duplicateCustomers"
        raise refusal
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, str)
    start = key[0] if key else ""
    groups = await duplicate_groups(info.context.graph)
    rest = [group for group in groups if group.ids[0] > start]
    edges = [Edge(encode_cursor([group.ids[0]]), group) for group in rest[:size]]
    return EdgePage(edges, has_next_page=len(rest) > size, total_count=len(groups),
                    has_previous_page=key is not None)  # fmt: skip


async def by_ids(info: Info, ids: list[str]) -> list[CustomerRow]:
    """Customers by id, in this order (the request's loader: one query for every group)."""
    found = await info.context.loaders.customer.load_many(ids)
    return [customer for customer in found if customer is not None]
