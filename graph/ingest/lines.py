"""Validating one import line (../shared/contract/import-format.md) into rows for Cypher.

`validate(kind, obj)` turns a parsed JSON object into the *operations* it asks for, each an
`(op, row)` pair whose row is ready to be a Cypher parameter: cleansed with `graph.cleansing`,
plain properties (and unknown scalar fields) gathered under `props`, dates and times checked
and normalised to ISO text in UTC, which the Cypher turns into `Date`/`DateTime`. It raises
`BadUserInput` naming the field for the first problem found. Checks that need the graph
(does the customer exist?) are left to the batch queries in `cypher/ingest/`.

Operations run in three *phases* so that a line may refer to something defined later in the
same import: nodes first (customer, product, tag), then relationships to them (tagAssignment,
interaction), then the order-dependent links (a tag's parent, stage moves).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Final

from core.errors import BadUserInput
from graph.cleansing import (
    normalize_email,
    normalize_gender,
    normalize_name,
    normalize_phone,
    parse_date,
    parse_datetime,
)
from graph.model import (
    CUSTOMER_DERIVED,
    CUSTOMER_MODEL,
    FEEDBACK_FIELDS,
    PRODUCT_INTERACTIONS,
    SCORE_RANGE,
    TICKET_FIELDS,
    TICKET_RESOLVED,
    InteractionType,
    LifecycleStageName,
    TicketPriority,
    TicketStatus,
)

Row = dict[str, Any]
Op = tuple[str, Row]

KINDS: Final = ("customer", "product", "tag", "tagAssignment", "interaction", "stage")

# Which phases a line of each kind takes part in (a tag line may also link to its parent).
PHASES_OF_KIND: Final[dict[str, frozenset[int]]] = {
    "customer": frozenset({1}),
    "product": frozenset({1}),
    "tag": frozenset({1, 3}),
    "tagAssignment": frozenset({2}),
    "interaction": frozenset({2}),
    "stage": frozenset({3}),
}
PHASE_OF_OP: Final[dict[str, int]] = {
    "customer": 1,
    "product": 1,
    "tag": 1,
    "tagAssignment": 2,
    "interaction": 2,
    "tagParent": 3,
    "stage": 3,
}
# The kind of line each operation comes from (what the summary counts).
KIND_OF_OP: Final[dict[str, str]] = {op: op for op in KINDS} | {"tagParent": "tag"}

INTERACTION_TYPES: Final = frozenset(t.value for t in InteractionType)
STAGES: Final = frozenset(s.value for s in LifecycleStageName)

# Fields a line may not set through "unknown fields": the model's own keys for that label.
_RESERVED: Final[dict[str, frozenset[str]]] = {
    kind: frozenset(names.split())
    for kind, names in {
        # the model's fields, and what c360 derives (an import cannot overwrite it)
        "customer": " ".join(("kind", *CUSTOMER_MODEL, *CUSTOMER_DERIVED)),
        "product": "kind id sku name category price",
        "tag": "kind id name category description status createdAt parent",
        "interaction": " ".join(
            (
                "kind id customerId productId type channel occurredAt amount quantity note",
                *TICKET_FIELDS,
                *FEEDBACK_FIELDS,
            )
        ),
    }.items()
}
_PROPERTY_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1


def kind_of(obj: object) -> str:
    """The line's kind, or `BadUserInput` if it is not an object with a known `kind`."""
    if type(obj) is not dict:
        raise BadUserInput("line", f"must be a JSON object, not {_json_type(obj)}")
    kind = obj.get("kind")
    if kind is None:
        raise BadUserInput("kind", "is required")
    if kind not in PHASES_OF_KIND:
        raise BadUserInput("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    return str(kind)


def validate(kind: str, obj: dict[str, Any]) -> list[Op]:
    """The operations of a line whose kind is known (see `kind_of`)."""
    return _VALIDATORS[kind](obj)


# -- one function per kind ------------------------------------------------------------------


def _customer(obj: dict[str, Any]) -> list[Op]:
    props: Row = {"name": _required_text(obj, "name")}
    if (value := _text(obj, "email")) is not None:
        props["email"] = normalize_email(value)
    if (value := _text(obj, "phone")) is not None:
        props["phone"] = normalize_phone(value)
    if (value := _text(obj, "gender")) is not None:
        props["gender"] = normalize_gender(value)
    for field in ("city", "region", "source"):
        if (value := _text(obj, field)) is not None:
            props[field] = value
    _extras(obj, "customer", props)
    row = {
        "id": _required_text(obj, "id"),
        "props": props,
        "birthDate": _date(obj, "birthDate"),
        "createdAt": _datetime(obj, "createdAt"),
    }
    return [("customer", row)]


def _product(obj: dict[str, Any]) -> list[Op]:
    props: Row = {"name": _required_text(obj, "name")}
    for field in ("sku", "category"):
        if (value := _text(obj, field)) is not None:
            props[field] = value
    if (price := _number(obj, "price")) is not None:
        props["price"] = price
    _extras(obj, "product", props)
    return [("product", {"id": _required_text(obj, "id"), "props": props})]


def _tag(obj: dict[str, Any]) -> list[Op]:
    name = normalize_name(_required_text(obj, "name"), "name")
    props: Row = {}
    for field in ("category", "description"):
        if (value := _text(obj, field)) is not None:
            props[field] = value
    _extras(obj, "tag", props)
    ops: list[Op] = [("tag", {"name": name, "id": _text(obj, "id"), "props": props})]
    if (parent := _text(obj, "parent")) is not None:
        parent = normalize_name(parent, "parent")
        if parent == name:
            raise BadUserInput("parent", f"tag {name!r} cannot be its own parent")
        ops.append(("tagParent", {"name": name, "parent": parent}))
    return ops


def _tag_assignment(obj: dict[str, Any]) -> list[Op]:
    row: Row = {
        "customerId": _required_text(obj, "customerId"),
        "tag": normalize_name(_required_text(obj, "tag"), "tag"),
        "assignedAt": _datetime(obj, "assignedAt"),
    }
    return [("tagAssignment", row)]


def _interaction(obj: dict[str, Any]) -> list[Op]:
    interaction_id = _required_text(obj, "id")
    customer_id = _required_text(obj, "customerId")
    itype = _required_text(obj, "type").upper()
    if itype not in INTERACTION_TYPES:
        raise BadUserInput("type", f"{itype!r} is not one of {', '.join(InteractionType)}")
    props: Row = {"type": itype}
    occurred_at = _datetime(obj, "occurredAt", required=True)
    product_id = _text(obj, "productId")
    if product_id is None and itype in PRODUCT_INTERACTIONS:
        raise BadUserInput("productId", f"is required for a {itype} interaction")
    if (amount := _number(obj, "amount")) is not None:
        props["amount"] = amount
    if (quantity := _whole(obj, "quantity")) is not None:
        if quantity < 1 or quantity > _INT64_MAX:
            raise BadUserInput("quantity", f"must be at least 1, not {quantity}")
        props["quantity"] = quantity
    for field in ("channel", "note"):
        if (value := _text(obj, field)) is not None:
            props[field] = value
    times = _ticket(obj, itype, occurred_at, props) if itype == InteractionType.TICKET else {}
    _only_for(obj, InteractionType.TICKET, TICKET_FIELDS, itype)
    score = _whole(obj, "score") if itype == InteractionType.FEEDBACK else None
    if score is not None:
        low, high = SCORE_RANGE
        if not low <= score <= high:
            raise BadUserInput("score", f"must be from {low} to {high}, not {score}")
        props["score"] = score
    _only_for(obj, InteractionType.FEEDBACK, FEEDBACK_FIELDS, itype)
    _extras(obj, "interaction", props)
    row = {
        "id": interaction_id,
        "customerId": customer_id,
        "productId": product_id,
        "occurredAt": occurred_at,
        "firstResponseAt": times.get("firstResponseAt"),
        "resolvedAt": times.get("resolvedAt"),
        "props": props,
    }
    return [("interaction", row)]


def _ticket(obj: dict[str, Any], itype: str, occurred_at: str | None, props: Row) -> Row:
    """A ticket's status, priority and assignee into `props`; its two times, checked against
    the ticket's (a time before the ticket opened is a typo, not a fast response)."""
    status = _choice(obj, "status", TicketStatus)
    if status is not None:
        props["status"] = status
    if (priority := _choice(obj, "priority", TicketPriority)) is not None:
        props["priority"] = priority
    if (assignee := _text(obj, "assignee")) is not None:
        props["assignee"] = assignee
    opened = parse_datetime(occurred_at, "occurredAt") if occurred_at else None
    times: Row = {}
    for field in ("firstResponseAt", "resolvedAt"):
        value = _datetime(obj, field)
        if value is not None and opened is not None and parse_datetime(value, field) < opened:
            raise BadUserInput(field, f"{value} is before the ticket's occurredAt {occurred_at}")
        times[field] = value
    if times["resolvedAt"] is not None and status not in TICKET_RESOLVED:
        raise BadUserInput("resolvedAt", "is only for a RESOLVED or CLOSED ticket (give status)")
    return times


def _only_for(obj: dict[str, Any], itype: str, fields: tuple[str, ...], given: str) -> None:
    for field in fields:
        if given != itype and obj.get(field) is not None:
            raise BadUserInput(field, f"is only for {itype} interactions, not {given}")


def _stage(obj: dict[str, Any]) -> list[Op]:
    customer_id = _required_text(obj, "customerId")
    stage = _required_text(obj, "stage").upper()
    if stage not in STAGES:
        raise BadUserInput("stage", f"{stage!r} is not one of {', '.join(LifecycleStageName)}")
    since = _datetime(obj, "since", required=True)
    return [("stage", {"customerId": customer_id, "stage": stage, "since": since})]


_VALIDATORS: Final = {
    "customer": _customer,
    "product": _product,
    "tag": _tag,
    "tagAssignment": _tag_assignment,
    "interaction": _interaction,
    "stage": _stage,
}


# -- fields ---------------------------------------------------------------------------------


def _text(obj: dict[str, Any], field: str) -> str | None:
    """An optional string field, trimmed; absent, null and blank all mean "not given"."""
    value = obj.get(field)
    if value is None:
        return None
    if type(value) is not str:
        raise BadUserInput(field, f"must be a string, not {_json_type(value)}")
    return value.strip() or None


def _choice(obj: dict[str, Any], field: str, choices: type[StrEnum]) -> str | None:
    """An optional enum value, in any case."""
    value = _text(obj, field)
    if value is None:
        return None
    if value.upper() not in choices.__members__:
        raise BadUserInput(field, f"{value!r} is not one of {', '.join(choices)}")
    return value.upper()


def _whole(obj: dict[str, Any], field: str) -> int | None:
    value = obj.get(field)
    if value is None:
        return None
    if type(value) is not int:
        raise BadUserInput(field, f"must be a whole number, not {_json_type(value)}")
    return value


def _required_text(obj: dict[str, Any], field: str) -> str:
    value = obj.get(field)
    if value is None:
        raise BadUserInput(field, "is required")
    if type(value) is not str:
        raise BadUserInput(field, f"must be a string, not {_json_type(value)}")
    value = value.strip()
    if not value:
        raise BadUserInput(field, "must not be empty")
    return value


def _datetime(obj: dict[str, Any], field: str, required: bool = False) -> str | None:
    """An ISO 8601 time, normalised to UTC and sent as text: Cypher's `datetime()` reads it
    far faster than the driver converts Python datetimes (about 10x on big batches)."""
    value = _required_text(obj, field) if required else _text(obj, field)
    return None if value is None else parse_datetime(value, field).isoformat()


def _date(obj: dict[str, Any], field: str) -> str | None:
    """A calendar date (YYYY-MM-DD), sent as text for Cypher's `date()`."""
    value = _text(obj, field)
    return None if value is None else parse_date(value, field).isoformat()


def _number(obj: dict[str, Any], field: str) -> float | None:
    """A non-negative number (money), stored as a Float."""
    value = obj.get(field)
    if value is None:
        return None
    if type(value) is not float and type(value) is not int:
        raise BadUserInput(field, f"must be a number, not {_json_type(value)}")
    if value < 0:
        raise BadUserInput(field, f"must not be negative, not {value}")
    return float(value)


def _extras(obj: dict[str, Any], kind: str, props: Row) -> None:
    """Copy unknown scalar fields (string, number, boolean) into `props`.

    Fields whose value is an object, an array or null, whose name is not a plain identifier,
    or that name one of the model's keys are ignored; an integer Neo4j cannot store (beyond
    64 bits) rejects the line rather than silently losing the number.
    """
    reserved = _RESERVED[kind]
    for key, value in obj.items():
        if key in reserved or not _PROPERTY_NAME.match(key):
            continue
        value_type = type(value)
        if value_type is str or value_type is bool or value_type is float:
            props[key] = value
        elif value_type is int:
            if not _INT64_MIN <= value <= _INT64_MAX:
                raise BadUserInput(key, "integer is too large to store (64-bit limit)")
            props[key] = value


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
