"""Customer reads and writes behind the GraphQL API (values arrive validated and cleansed).

Every write is one Cypher statement that checks before it writes: when a check fails the
statement changes nothing and reports why, and these functions raise the matching
`C360Error` (`NotFound` for a missing customer, `BadUserInput` for a bad tag).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.errors import BadUserInput, NotFound
from graph.db import Graph, Record
from graph.model import STAGE_ORDER
from graph.rows import CustomerRow
from graph.tags import events as tag_events


async def upsert_customer(
    graph: Graph, customer_id: str, props: dict[str, Any], actor: str
) -> CustomerRow:
    """Create or update; `props` holds only the given fields (None removes a property). An
    update that changes something is kept in the customer's history, by `actor`."""
    row = await graph.write_one("customers/upsert", id=customer_id, props=props, actor=actor)
    assert row is not None
    customer: CustomerRow = row["customer"]
    return customer


def _names(names: list[str]) -> str:
    return ", ".join(repr(name) for name in names)


def _found(row: Record | None, customer_id: str) -> Record:
    """The statement's result row, or NotFound when it found no customer."""
    if row is None or row["customer"] is None:
        raise NotFound("customer", customer_id, field="customerId")
    return row


async def _change_tags(
    graph: Graph, query: str, customer_id: str, names: list[str], actor: str
) -> Record:
    """Run a tag-changing statement; NotFound for the customer, BAD_USER_INPUT for unknown tags
    (the statement checks both before it writes)."""
    now = datetime.now(UTC)
    row = _found(
        await graph.write_one(query, customerId=customer_id, names=names, now=now, actor=actor),
        customer_id,
    )
    if row["unknown"]:
        raise BadUserInput("tags", f"unknown tag {_names(row['unknown'])}")
    return row


async def assign_tags(graph: Graph, customer_id: str, names: list[str], actor: str) -> CustomerRow:
    """Give the customer these tags (by normalised name) as MANUAL, by `actor`; already held:
    unchanged."""
    row = await _change_tags(graph, "customers/assign_tags", customer_id, names, actor)
    if row["deprecated"]:
        raise BadUserInput(
            "tags", f"tag {_names(row['deprecated'])} is deprecated and cannot be assigned"
        )
    await tag_events.dispatch(graph)  # linkage rules fire before the caller reads the result
    customer: CustomerRow = row["customer"]
    return customer


async def remove_tags(graph: Graph, customer_id: str, names: list[str], actor: str) -> CustomerRow:
    """Take these tags from the customer, by `actor`; a tag it does not hold is ignored."""
    row = await _change_tags(graph, "customers/remove_tags", customer_id, names, actor)
    await tag_events.dispatch(graph)
    customer: CustomerRow = row["customer"]
    return customer


async def set_stage(graph: Graph, customer_id: str, stage: str, actor: str) -> CustomerRow:
    """Move the customer to `stage` (by `actor`), keeping the previous one as history; same
    stage: no-op."""
    row = _found(
        await graph.write_one(
            "customers/set_stage", customerId=customer_id, stage=stage, actor=actor
        ),
        customer_id,
    )
    if not row["stageExists"]:
        raise NotFound("lifecycle stage", stage, field="stage")  # `c360 migrate` not run
    if row["moved"]:
        await tag_events.dispatch(graph)  # STAGE_ENTERED rules fire before the caller reads
    customer: CustomerRow = row["customer"]
    return customer


async def lifecycle_funnel(graph: Graph) -> list[tuple[str, int]]:
    """(stage, customers currently in it) for all seven stages in order, zeros included."""
    rows = await graph.read("customers/lifecycle_funnel", stages=list(STAGE_ORDER))
    counts = {row["stage"]: row["customers"] for row in rows}
    return [(stage, counts.get(stage, 0)) for stage in STAGE_ORDER]


async def current_ids(graph: Graph, ids: list[str]) -> dict[str, str]:
    """What each id means now: a merged customer's id means the customer it was merged into
    (mergeCustomers); any other id means itself."""
    rows = await graph.read("customers/current_ids", ids=list(dict.fromkeys(ids)))
    return {row["id"]: row["current"] for row in rows}


# Properties a merge never copies from a source: its identity, and the survivor's own
# derived values and times (recomputed or kept).
NOT_MERGED = ["id", "nameKey", "createdAt", "updatedAt", "purchaseTotal", "lastPurchaseAt",
              "purchaseCount"]  # fmt: skip


async def merge(graph: Graph, into: str, sources: dict[str, str], actor: str) -> CustomerRow:
    """Merge `sources` (current ids, not `into`, each with its argument's path) into `into`,
    in the caller's transaction (cypher/customers/merge.cypher); NotFound naming `into` or
    the first missing source's path, and nothing written."""
    now = datetime.now(UTC)
    row = await graph.write_one(
        "customers/merge", into=into, sources=list(sources), now=now, actor=actor,
        derived=NOT_MERGED,
    )  # fmt: skip
    assert row is not None
    if row["customer"] is None:
        raise NotFound("customer", into, field="into")
    if row["missing"]:
        missing = row["missing"][0]
        raise NotFound("customer", missing, field=sources[missing])
    await graph.write_one("customers/purchase_totals", ids=[into])
    await tag_events.dispatch(graph)
    customer: CustomerRow = row["customer"]
    return customer
