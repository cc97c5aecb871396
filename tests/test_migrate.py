from __future__ import annotations

from graph.db import Graph
from graph.migrate import migrate


async def test_migrate_is_idempotent_and_creates_the_model(graph: Graph) -> None:
    await migrate(graph)  # the session already ran it once: a second run must change nothing
    constraints = await graph.run_text(
        "t", "SHOW CONSTRAINTS YIELD labelsOrTypes, properties RETURN labelsOrTypes, properties"
    )
    keys = {(c["labelsOrTypes"][0], c["properties"][0]) for c in constraints}
    for label in ("Customer", "Tag", "Interaction", "Product", "LifecycleStage", "Segment"):
        assert (label, "id") in keys
    assert ("Tag", "name") in keys and ("Segment", "name") in keys
    assert len(constraints) == len(keys)
    stages = await graph.run_text(
        "t", "MATCH (s:LifecycleStage) RETURN s.name AS name, s.order AS o ORDER BY o"
    )
    assert [s["name"] for s in stages] == [
        "PROSPECT",
        "NEW",
        "ACTIVE",
        "LOYAL",
        "AT_RISK",
        "DORMANT",
        "CHURNED",
    ]
    assert [s["o"] for s in stages] == list(range(1, 8))
