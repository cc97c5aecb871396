"""Interactions one at a time, as apps capture them (recordInteraction): the import's own
statement (cypher/ingest/interactions.cypher) writes them, so a recorded interaction keeps the
customer's purchase figures exact and follows the same ticket rules as an imported one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.errors import NotFound
from graph.db import Graph
from graph.rows import InteractionRow


async def record(graph: Graph, row: dict[str, Any], now: datetime, actor: str) -> InteractionRow:
    """Write one validated interaction line (graph.ingest.lines) and read it back; NotFound
    naming customerId or productId when either is unknown (nothing written then)."""
    refused = await graph.write(
        "ingest/interactions", rows=[row | {"i": 0, "actor": actor}], now=now
    )
    if refused:
        field = refused[0]["missing"]
        raise NotFound("customer" if field == "customerId" else "product", row[field], field=field)
    found = await by_id(graph, row["id"])
    assert found is not None, "an interaction just written"
    return found


async def by_id(graph: Graph, interaction_id: str) -> InteractionRow | None:
    row = await graph.read_one("interactions/by_id", id=interaction_id)
    return None if row is None else row["interaction"]
