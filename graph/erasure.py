"""The right to erasure (PIPL art. 47, GDPR art. 17): `erase` deletes a customer and everything
that is theirs (cypher/customers/erase.cypher) and removes their personal data from the audit
trail, in one transaction: the audit entries that mention the customer keep their id, action,
actor and time, and lose the customer's name, email, phone and birthDate (masked or not), and
any other value equal to their name, email or phone.
"""

from __future__ import annotations

import json
from typing import Any

from core.errors import NotFound
from graph.db import Graph
from security.masking import PERSONAL_FIELDS

ERASED = "[erased]"
PERSONAL_KEYS = PERSONAL_FIELDS | {"name", "fields"}  # fields: its custom fields


def _scrub(value: Any, customer_id: str, personal: frozenset[str]) -> Any:
    """`value` (decoded JSON) without the customer's personal data: in an object that is the
    customer's (its `id` or `customerId` is theirs) the personal keys, and anywhere a string
    equal to one of `personal`."""
    if isinstance(value, dict):
        theirs = customer_id in (value.get("id"), value.get("customerId"))
        return {
            key: ERASED
            if theirs and key in PERSONAL_KEYS and item is not None
            else _scrub(item, customer_id, personal)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item, customer_id, personal) for item in value]
    if isinstance(value, str) and value in personal:
        return ERASED
    return value


async def erase(graph: Graph, customer_id: str, actor: str) -> None:
    """Erase the customer; NotFound (field `id`) when there is none (an erased id included).
    Run it in one transaction (the API's mutation is; the CLI wraps it)."""
    row = await graph.write_one("customers/erase", customerId=customer_id, actor=actor)
    if row is None:
        raise NotFound("customer", customer_id, field="id")
    personal = frozenset(value for value in (row["name"], row["email"], row["phone"]) if value)
    entries = await graph.read("audit/mentioning", text=customer_id)
    rewritten = []
    for entry in entries:
        arguments = json.dumps(
            _scrub(json.loads(entry["arguments"]), customer_id, personal),
            ensure_ascii=False, sort_keys=True, separators=(",", ":"),
        )  # fmt: skip
        if arguments != entry["arguments"]:
            rewritten.append({"id": entry["id"], "arguments": arguments})
    if rewritten:
        await graph.write("audit/rewrite", entries=rewritten)
