"""Mutations: every argument is checked and cleansed (`resolvers.clean`) before anything is
written, and each write is one Cypher statement that checks existence before it writes (see
`graph.customers`), so a failed mutation changes nothing. `schema.security.Audited` runs it
in one transaction with its audit entry and then clears the request's loaders."""

from __future__ import annotations

from typing import Any

from core.errors import BadUserInput
from graph import customers as graph_customers
from graph import erasure
from graph.cleansing import normalize_name
from graph.model import LifecycleStageName
from graph.rows import CustomerRow, TagRow
from graph.tags import taxonomy
from resolvers import clean
from resolvers.context import Info


async def upsert_customer(info: Info, given: dict[str, Any]) -> CustomerRow:
    """Create the customer or update the fields given (omitted fields stay as they are)."""
    customer_id, props = clean.customer_props(given)
    current = (await graph_customers.current_ids(info.context.graph, [customer_id]))[customer_id]
    return await graph_customers.upsert_customer(info.context.graph, current, props, actor(info))


def actor(info: Info) -> str:
    """Who a mutation's changes are recorded as done by: the token's subject."""
    principal = info.context.principal
    assert principal is not None  # Authorize let the mutation through
    return principal.subject


async def current_customer_id(info: Info, value: str, field: str = "customerId") -> str:
    """The id checked, and what it means now (a merged customer's id: the survivor's)."""
    given = clean.required(value, field)
    return (await graph_customers.current_ids(info.context.graph, [given]))[given]


async def assign_tags(info: Info, customer_id: str, tags: list[str]) -> CustomerRow:
    return await graph_customers.assign_tags(
        info.context.graph,
        await current_customer_id(info, customer_id),
        clean.tag_names(tags),
        actor(info),
    )


async def remove_tags(info: Info, customer_id: str, tags: list[str]) -> CustomerRow:
    return await graph_customers.remove_tags(
        info.context.graph,
        await current_customer_id(info, customer_id),
        clean.tag_names(tags),
        actor(info),
    )


async def create_tag(
    info: Info,
    name: str,
    category: str | None,
    description: str | None,
    parent: str | None,
) -> TagRow:
    return await taxonomy.create_tag(
        info.context.graph,
        name=normalize_name(name, "name"),
        category=clean.text(category),
        description=clean.text(description),
        parent=normalize_name(parent, "parent") if parent is not None else None,
    )


async def rename_tag(info: Info, name: str, new_name: str) -> TagRow:
    return await taxonomy.rename(
        info.context.graph, normalize_name(name, "name"), normalize_name(new_name, "newName")
    )


async def merge_tags(info: Info, sources: list[str], into: str) -> TagRow:
    return await taxonomy.merge(
        info.context.graph,
        [normalize_name(name, f"sources[{i}]") for i, name in enumerate(sources)],
        normalize_name(into, "into"),
        actor(info),
    )


async def update_tag(info: Info, name: str, changes: dict[str, str | None]) -> TagRow:
    """updateTag: `changes` holds the fields given (a None value clears one)."""
    cleaned: dict[str, str | None] = {}
    for key in ("description", "category"):
        if key in changes:
            cleaned[key] = clean.text(changes[key])
    if "parent" in changes:
        given = changes["parent"]
        cleaned["parent"] = None if given is None else normalize_name(given, "parent")
    return await taxonomy.update(info.context.graph, normalize_name(name, "name"), **cleaned)


async def erase_customer(info: Info, customer_id: str) -> bool:
    current = await current_customer_id(info, customer_id, "id")
    await erasure.erase(info.context.graph, current, actor(info))
    return True


async def merge_customers(info: Info, into: str, sources: list[str]) -> CustomerRow:
    """mergeCustomers: ids resolved (a merged id means its survivor), checked (none is `into`,
    at least one), each source once."""
    if not sources:
        raise BadUserInput("from", "give at least one customer to merge")
    given = [clean.required(into, "into")] + [
        clean.required(source, f"from[{i}]") for i, source in enumerate(sources)
    ]
    current = await graph_customers.current_ids(info.context.graph, given)
    survivor = current[given[0]]
    merged: dict[str, str] = {}  # each source once: its current id -> its argument's path
    for i, source in enumerate(given[1:]):
        if current[source] == survivor:
            raise BadUserInput(f"from[{i}]", f"{source!r} is the customer merged into")
        merged.setdefault(current[source], f"from[{i}]")
    return await graph_customers.merge(info.context.graph, survivor, merged, actor(info))


async def deprecate_tag(info: Info, name: str) -> TagRow:
    return await taxonomy.deprecate(info.context.graph, normalize_name(name, "name"))


async def set_stage(info: Info, customer_id: str, stage: LifecycleStageName) -> CustomerRow:
    return await graph_customers.set_stage(
        info.context.graph, await current_customer_id(info, customer_id), stage.value, actor(info)
    )
