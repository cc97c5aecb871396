"""`c360 migrate`: constraints, indexes and the seven lifecycle stages; safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from graph.db import Graph
from graph.model import STAGE_ORDER
from graph.queries import statements


@dataclass(frozen=True)
class MigrationReport:
    statements: int
    stages: int


async def migrate(graph: Graph) -> MigrationReport:
    schema = statements("schema/constraints") + statements("schema/indexes")
    for statement in schema:
        await graph.run_text("schema", statement, write=True)
    await graph.run_text("schema/await_indexes", "CALL db.awaitIndexes(300)", write=True)
    stages = [{"name": name, "order": order} for name, order in STAGE_ORDER.items()]
    await graph.write("schema/lifecycle_stages", stages=stages)
    # Graphs from before stored purchase totals (or written around the importer) get them,
    # and name keys for searchCustomers.
    await refresh_purchase_totals(graph)
    await graph.write("customers/name_keys")
    # Tasks and tickets from before they had a status (and tickets a priority) get the default
    # one: the queues' counts read every one as having one (cypher/*/page.cypher).
    await graph.write("tasks/default_status")
    await graph.write("rules/linkage/defaults")
    await graph.write("tickets/default_fields")
    return MigrationReport(statements=len(schema), stages=len(stages))


async def refresh_purchase_totals(graph: Graph, customer_ids: list[str] | None = None) -> int:
    """Recompute the stored purchase figures of these customers (None: every customer still
    without them); returns how many were recomputed. Imports keep them current themselves;
    this is for graphs written another way (raw Cypher, older versions)."""
    row = await graph.write_one("customers/purchase_totals", ids=customer_ids)
    return 0 if row is None else int(row["customers"])
