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
    return MigrationReport(statements=len(schema), stages=len(stages))
