"""Customer fields and queries.

The root fields read the customer and everything selected below it in one statement
(`graph.views`); a nested field finds its value there, or else (its parent came from a
mutation, a traversal, a segment) in the request's DataLoaders, so a page of N customers
costs the same number of round trips as a page of one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph import customers as graph_customers
from graph import views
from graph.model import InteractionType
from graph.paging import Page
from graph.rows import CustomerRow, InteractionRow, ProductRow, TagAssignmentRow, TagRow
from graph.search import SearchTerms
from graph.translate.selection import Selection
from resolvers.context import Info
from resolvers.pagination import EdgePage, check_first, decode_cursor, edge_page
from resolvers.selection import Parent, below, graph_field, graph_page, interactions_params


async def customer(info: Info, customer_id: str) -> CustomerRow | None:
    """Query.customer: one statement for the customer and every field selected below it that
    the graph answers (`graph.translate`); the rest come from the DataLoaders."""
    return await views.customer(info.context.graph, customer_id, below(info))


async def customers(info: Info, first: int | None, after: str | None) -> EdgePage[CustomerRow]:
    """Query.customers: id ascending; one statement for the page, the total and every field
    selected on the nodes that the graph answers."""
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, str)
    nodes = Selection("customers", "customers", children=below(info)).at("edges", "node")
    page = await views.customers(
        info.context.graph, nodes, limit=size + 1, after=key[0] if key else ""
    )
    return edge_page(page, size)


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
    return edge_page(page, size)


async def tags(info: Info, customer: Parent) -> list[TagRow]:
    tags: list[TagRow] = await graph_field(info, "Customer", customer)
    return tags


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
    return edge_page(page, params["limit"] - 1)


async def lifecycle_funnel(info: Info) -> list[tuple[str, int]]:
    return await graph_customers.lifecycle_funnel(info.context.graph)
