"""Mutations: every argument is checked and cleansed here before anything is written, and
each write is one Cypher statement that checks existence before it writes (see
`graph.customers`), so a failed mutation changes nothing. After a write the request's
loaders are cleared, so fields selected on the result (or by a later mutation of the same
request) read the new state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from core.errors import BadUserInput
from graph import customers as graph_customers
from graph.cleansing import normalize_email, normalize_gender, normalize_name, normalize_phone
from graph.db import Record
from graph.model import LifecycleStageName
from graph.tags import taxonomy
from schema.context import Info


def _text(value: str | None) -> str | None:
    """Trimmed; blank means no value."""
    return (value.strip() or None) if value is not None else None


def _required(value: str, field: str) -> str:
    text = value.strip()
    if not text:
        raise BadUserInput(field, "must not be empty")
    return text


_CLEANSE: dict[str, Callable[[str, str], Any]] = {
    "email": normalize_email,
    "phone": normalize_phone,
    "gender": normalize_gender,
}


def customer_props(given: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, properties to set) from the CustomerInput fields the caller gave; None removes."""
    customer_id = _required(given["id"], "input.id")
    props: dict[str, Any] = {"name": _required(given["name"], "input.name")}
    for name, value in given.items():
        if name in ("id", "name"):
            continue
        if isinstance(value, date) or value is None:
            props[name] = value
        elif (text := _text(value)) is None:
            props[name] = None
        elif name in _CLEANSE:
            props[name] = _CLEANSE[name](text, f"input.{name}")
        else:
            props[name] = text
    return customer_id, props


async def upsert_customer(info: Info, given: dict[str, Any]) -> Record:
    """Create the customer or update the fields given (omitted fields stay as they are)."""
    customer_id, props = customer_props(given)
    customer = await graph_customers.upsert_customer(info.context.graph, customer_id, props)
    info.context.loaders.clear_all()
    return customer


def tag_names(names: list[str], field: str = "tags") -> list[str]:
    """Normalised (NFKC, spaces collapsed), duplicates dropped, order kept."""
    return list(dict.fromkeys(normalize_name(name, field) for name in names))


def _customer_id(value: str) -> str:
    return _required(value, "customerId")


async def assign_tags(info: Info, customer_id: str, tags: list[str]) -> Record:
    customer = await graph_customers.assign_tags(
        info.context.graph, _customer_id(customer_id), tag_names(tags)
    )
    info.context.loaders.clear_all()
    return customer


async def remove_tags(info: Info, customer_id: str, tags: list[str]) -> Record:
    customer = await graph_customers.remove_tags(
        info.context.graph, _customer_id(customer_id), tag_names(tags)
    )
    info.context.loaders.clear_all()
    return customer


async def create_tag(
    info: Info,
    name: str,
    category: str | None,
    description: str | None,
    parent: str | None,
) -> Record:
    tag = await taxonomy.create_tag(
        info.context.graph,
        name=normalize_name(name, "name"),
        category=_text(category),
        description=_text(description),
        parent=normalize_name(parent, "parent") if parent is not None else None,
    )
    info.context.loaders.clear_all()
    return tag


async def rename_tag(info: Info, name: str, new_name: str) -> Record:
    tag = await taxonomy.rename(
        info.context.graph, normalize_name(name, "name"), normalize_name(new_name, "newName")
    )
    info.context.loaders.clear_all()
    return tag


async def merge_tags(info: Info, sources: list[str], into: str) -> Record:
    tag = await taxonomy.merge(
        info.context.graph,
        [normalize_name(name, f"sources[{i}]") for i, name in enumerate(sources)],
        normalize_name(into, "into"),
    )
    info.context.loaders.clear_all()
    return tag


async def deprecate_tag(info: Info, name: str) -> Record:
    tag = await taxonomy.deprecate(info.context.graph, normalize_name(name, "name"))
    info.context.loaders.clear_all()
    return tag


async def set_stage(info: Info, customer_id: str, stage: LifecycleStageName) -> Record:
    customer = await graph_customers.set_stage(
        info.context.graph, _customer_id(customer_id), stage.value
    )
    info.context.loaders.clear_all()
    return customer
