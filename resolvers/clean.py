"""Arguments checked and cleansed: the API's one layer for it.

Resolvers pass what GraphQL gave them through these functions before calling `graph/`, which
takes values as they will be stored and checks only what needs the graph (does the tag
exist, is the name taken). Every problem is a `BadUserInput` naming the argument or input
field. The normalisation itself (NFKC names, E.164 phones, lower-case emails) is the graph's
own (`graph.cleansing`), shared with imports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from core.errors import BadUserInput
from graph.cleansing import (
    normalize_email,
    normalize_gender,
    normalize_label,
    normalize_name,
    normalize_phone,
)
from graph.model import CUSTOMER_PROPERTIES, FIELD_KEY, LinkageAction, LinkageTrigger
from graph.rules.linkage import LinkageRule
from graph.tags.health import DEFAULT_MIN_JACCARD

MAX_OWNERS = 1000
MAX_DUE_DAYS = 36_600
MAX_URL = 2048


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
    """The rule with its names cleansed, its trigger made explicit (`whenTagAdded` is
    `trigger: TAG_ADDED` with `tag`), and the trigger's and the action's own fields checked:
    the fields of another trigger or action must be left out."""
    name = normalize_label(rule.name, "input.name")
    trigger, tag, stage = _linkage_trigger(rule)
    when_tag_added = tag if rule.when_tag_added is not None else None  # names the field
    common = LinkageRule(
        name, rule.action, trigger=trigger, tag=tag, when_tag_added=when_tag_added, stage=stage
    )
    others = {
        "input.taskTitle": rule.task_title,
        "input.dueInDays": rule.due_in_days,
        "input.owners": rule.owners,
        "input.webhookUrl": rule.webhook_url,
    }
    if rule.action == LinkageAction.CREATE_TASK:
        _only(others, "input.taskTitle", "input.dueInDays")
        if rule.task_title is None:
            raise BadUserInput("input.taskTitle", "CREATE_TASK needs a task title")
        due = rule.due_in_days
        if due is not None and not 0 <= due <= MAX_DUE_DAYS:
            raise BadUserInput(
                "input.dueInDays", f"must be between 0 and {MAX_DUE_DAYS}, got {due}"
            )
        title = normalize_label(rule.task_title, "input.taskTitle")
        return replace(common, task_title=title, due_in_days=due)
    if rule.action == LinkageAction.CALL_WEBHOOK:
        _only(others, "input.webhookUrl")
        return replace(common, webhook_url=webhook_url(rule.webhook_url, "input.webhookUrl"))
    _only(others, "input.owners")
    if not rule.owners:
        raise BadUserInput("input.owners", "ASSIGN_OWNER needs at least one owner")
    if len(rule.owners) > MAX_OWNERS:
        raise BadUserInput("input.owners", f"at most {MAX_OWNERS} owners, got {len(rule.owners)}")
    owners = [normalize_label(owner, f"input.owners[{i}]") for i, owner in enumerate(rule.owners)]
    return replace(common, owners=owners)


def _linkage_trigger(rule: LinkageRule) -> tuple[str, str | None, str | None]:
    """(trigger, tag name, stage); TAG_ADDED when no trigger is given."""
    trigger = rule.trigger or LinkageTrigger.TAG_ADDED
    if trigger == LinkageTrigger.STAGE_ENTERED:
        _only({"input.tag": rule.tag, "input.whenTagAdded": rule.when_tag_added})
        if rule.stage is None:
            raise BadUserInput("input.stage", "STAGE_ENTERED needs a stage")
        return trigger, None, rule.stage
    _only({"input.stage": rule.stage})
    if trigger != LinkageTrigger.TAG_ADDED:
        _only({"input.whenTagAdded": rule.when_tag_added})
    given = [
        (field, normalize_name(value, field))
        for field, value in (("input.whenTagAdded", rule.when_tag_added), ("input.tag", rule.tag))
        if value is not None
    ]
    if not given:
        raise BadUserInput("input.tag", f"{trigger} needs a tag")
    if len(given) == 2 and given[0][1] != given[1][1]:
        raise BadUserInput("input.tag", f"whenTagAdded names another tag ({given[0][1]!r})")
    return trigger, given[0][1], None


# The trigger or action each optional field of LinkageRuleInput belongs to.
LINKAGE_FIELD_OWNERS = {
    "input.tag": "TAG_ADDED and TAG_REMOVED",
    "input.whenTagAdded": "TAG_ADDED",
    "input.stage": "STAGE_ENTERED",
    "input.taskTitle": "CREATE_TASK",
    "input.dueInDays": "CREATE_TASK",
    "input.owners": "ASSIGN_OWNER",
    "input.webhookUrl": "CALL_WEBHOOK",
}


def _only(fields: Mapping[str, object], *allowed: str) -> None:
    """BAD_USER_INPUT for the first field given that is not `allowed`."""
    for field, value in fields.items():
        if value is not None and field not in allowed:
            raise BadUserInput(field, f"applies to {LINKAGE_FIELD_OWNERS[field]} only")


def webhook_url(url: str | None, field: str) -> str:
    """An absolute http(s) address with a host, at most MAX_URL characters."""
    if url is None:
        raise BadUserInput(field, "CALL_WEBHOOK needs a webhook URL")
    url = url.strip()
    if len(url) > MAX_URL:
        raise BadUserInput(field, f"at most {MAX_URL} characters, got {len(url)}")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (parsing it is the check: a port out of range raises)
    except ValueError:
        ok = False
    else:
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    if not ok or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise BadUserInput(field, f"must be an http(s) URL with a host, got {url!r}")
    return url
