"""Arguments checked and cleansed: the API's one layer for it.

Resolvers pass what GraphQL gave them through these functions before calling `graph/`, which
takes values as they will be stored and checks only what needs the graph (does the tag
exist, is the name taken). Every problem is a `BadUserInput` naming the argument or input
field. The normalisation itself (NFKC names, E.164 phones, lower-case emails) is the graph's
own (`graph.cleansing`), shared with imports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from core.errors import BadUserInput
from graph.cleansing import (
    normalize_email,
    normalize_gender,
    normalize_label,
    normalize_name,
    normalize_phone,
)
from graph.model import CUSTOMER_PROPERTIES, FIELD_KEY
from graph.rules.linkage import LinkageRule
from graph.tags.health import DEFAULT_MIN_JACCARD

MAX_OWNERS = 1000
MAX_DUE_DAYS = 36_600


def text(value: str | None) -> str | None:
    """Trimmed; blank means no value."""
    return (value.strip() or None) if value is not None else None


def required(value: str, field: str) -> str:
    """Trimmed, and not blank."""
    stripped = value.strip()
    if not stripped:
        raise BadUserInput(field, "must not be empty")
    return stripped


def in_range(field: str, value: int | None, low: int, high: int) -> int:
    """`value` when in low..high (null is not)."""
    if value is None or not low <= value <= high:
        raise BadUserInput(field, f"must be between {low} and {high}, got {value}")
    return value


def tag_names(names: list[str], field: str = "tags") -> list[str]:
    """Normalised (NFKC, spaces collapsed), duplicates dropped, order kept."""
    return list(dict.fromkeys(normalize_name(name, field) for name in names))


def min_jaccard(value: float | None) -> float:
    """In (0, 1]; an explicit null means the default."""
    if value is None:
        return DEFAULT_MIN_JACCARD
    if not 0 < value <= 1:  # also refuses NaN
        raise BadUserInput("minJaccard", f"must be greater than 0 and at most 1, got {value}")
    return value


_CUSTOMER_FIELDS: dict[str, Callable[[str, str], Any]] = {
    "email": normalize_email,
    "phone": normalize_phone,
    "gender": normalize_gender,
}


def customer_props(given: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, properties to set) from the CustomerInput fields the caller gave; None removes."""
    customer_id = required(given["id"], "input.id")
    props: dict[str, Any] = {"name": required(given["name"], "input.name")}
    for name, value in given.items():
        if name in ("id", "name"):
            continue
        if name == "fields":
            props |= custom_fields(value)
            continue
        if isinstance(value, date) or value is None:
            props[name] = value
        elif (stripped := text(value)) is None:
            props[name] = None
        elif name in _CUSTOMER_FIELDS:
            props[name] = _CUSTOMER_FIELDS[name](stripped, f"input.{name}")
        else:
            props[name] = stripped
    return customer_id, props


def custom_fields(fields: list[tuple[str, str | None]]) -> dict[str, str | None]:
    """upsertCustomer's `fields`: each key a property name and not one of the model's, given
    once; a null or blank value removes the field."""
    out: dict[str, str | None] = {}
    for i, (key, value) in enumerate(fields):
        where = f"input.fields[{i}].key"
        if not re.match(FIELD_KEY, key):
            raise BadUserInput(where, "must be a property name (letters, digits, _)")
        if key in CUSTOMER_PROPERTIES:
            raise BadUserInput(where, f"{key!r} is a model property: set it by its own field")
        if key in out:
            raise BadUserInput(where, f"{key!r} is given twice")
        out[key] = text(value)
    return out


def linkage_rule(rule: LinkageRule) -> LinkageRule:
    """The rule with its names cleansed and the action's own fields checked; the other
    action's fields must be left out."""
    tag = normalize_name(rule.when_tag_added, "input.whenTagAdded")
    name = normalize_label(rule.name, "input.name")
    if rule.action == "CREATE_TASK":
        if rule.owners is not None:
            raise BadUserInput("input.owners", "applies to ASSIGN_OWNER only")
        if rule.task_title is None:
            raise BadUserInput("input.taskTitle", "CREATE_TASK needs a task title")
        due = rule.due_in_days
        if due is not None and not 0 <= due <= MAX_DUE_DAYS:
            raise BadUserInput(
                "input.dueInDays", f"must be between 0 and {MAX_DUE_DAYS}, got {due}"
            )
        title = normalize_label(rule.task_title, "input.taskTitle")
        return LinkageRule(name, tag, rule.action, task_title=title, due_in_days=due)
    if rule.task_title is not None or rule.due_in_days is not None:
        field = "input.taskTitle" if rule.task_title is not None else "input.dueInDays"
        raise BadUserInput(field, "applies to CREATE_TASK only")
    if not rule.owners:
        raise BadUserInput("input.owners", "ASSIGN_OWNER needs at least one owner")
    if len(rule.owners) > MAX_OWNERS:
        raise BadUserInput("input.owners", f"at most {MAX_OWNERS} owners, got {len(rule.owners)}")
    owners = [normalize_label(owner, f"input.owners[{i}]") for i, owner in enumerate(rule.owners)]
    return LinkageRule(name, tag, rule.action, owners=owners)
