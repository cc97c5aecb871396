"""`c360 rules install-defaults` on a seeded graph: the default rules are created once, and
after a run each tag's holders are exactly the customers its formula (docs/tags.md) picks,
computed here in Python from the interactions read back."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from core.settings import Settings
from graph.db import Graph
from graph.ingest.seed import REFERENCE_TIME, seed_graph
from graph.rules import defaults as default_rules
from graph.rules import tag_rules

runner = CliRunner()

PURCHASES = """
MATCH (c:Customer)-[:HAD]->(i:Interaction)
WHERE i.occurredAt <= $asOf
OPTIONAL MATCH (i)-[:ABOUT]->(p:Product)
RETURN c.id AS id, i.type AS type, i.occurredAt AS at, i.amount AS amount, p.category AS category
"""


def band(value: float, bands: list[tuple[float, int]], otherwise: int) -> int:
    return next((score for low, score in bands if value >= low), otherwise)


def expected(rows: list[dict[str, Any]], as_of: datetime) -> dict[str, set[str]]:
    """Each default tag's members by the documented formulas."""
    by_customer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        row["at"] = row["at"].to_native()
        by_customer[row["id"]].append(row)
    members: dict[str, set[str]] = defaultdict(set)
    for customer, items in by_customer.items():
        buys = sorted(i["at"] for i in items if i["type"] == "PURCHASE")
        year = [i for i in items if i["type"] == "PURCHASE" and i["at"] >= as_of - timedelta(365)]
        if year:
            days = (as_of - max(i["at"] for i in year)).days
            spend = sum(i["amount"] or 0.0 for i in year)
            score = (
                band(-days, [(-30, 5), (-60, 4), (-90, 3), (-180, 2)], 1)
                + band(len(year), [(12, 5), (6, 4), (3, 3), (2, 2)], 1)
                + band(spend, [(20000, 5), (8000, 4), (3000, 3), (1000, 2)], 1 if spend > 0 else 0)
            )
            tier = "高价值客户" if score >= 12 else "中等价值客户" if score >= 7 else "低价值客户"
            members[tier].add(customer)
        recent = as_of - timedelta(days=90)
        if buys and buys[0] >= recent:
            members["新客户"].add(customer)
        elif buys and buys[-1] >= recent:
            members["活跃客户"].add(customer)
        if buys and buys[-1] <= as_of - timedelta(days=180):
            members["休眠客户"].add(customer)
        views: dict[str, int] = defaultdict(int)
        for i in items:
            if i["type"] == "VIEW" and i["at"] >= recent and i["category"]:
                views[i["category"]] += 1
        for category, count in views.items():
            if count >= 3:
                members[f"对{category}感兴趣"].add(customer)
    return members


async def test_default_rules_install_once_and_match_their_formulas(
    graph: Graph, settings: Settings
) -> None:
    assert (await seed_graph(graph, customers=80, seed=5)).ok
    # Start from no assignments, so each tag's holders are the rule's own.
    await graph.run_text("tests/untag", "MATCH ()-[r:HAS_TAG]->() DELETE r", write=True)

    first = await default_rules.install(graph)
    rules = await tag_rules.all_rules(graph)
    categories = await graph.run_text(
        "tests/categories", "MATCH (p:Product) RETURN count(DISTINCT p.category) AS n"
    )
    assert len(rules) == len(first.rules_created) == 6 + categories[0]["n"]
    again = await default_rules.install(graph)
    assert (again.rules_created, again.tags_created) == ([], [])

    await tag_rules.run_rules(graph, REFERENCE_TIME)
    rows = await graph.run_text("tests/purchases", PURCHASES, asOf=REFERENCE_TIME)
    want = expected(rows, REFERENCE_TIME)
    held = await graph.run_text(
        "tests/held",
        "MATCH (c:Customer)-[r:HAS_TAG {source: 'RULE'}]->(t:Tag) "
        "RETURN t.name AS tag, collect(c.id) AS ids",
    )
    got = {row["tag"]: set(row["ids"]) for row in held}
    for rule in rules:
        tag = rule["tag"]["name"]
        assert got.get(tag, set()) == want.get(tag, set()), tag
    assert sum(len(v) for v in want.values()) > 80  # the formulas pick real customers


def test_install_defaults_from_the_command_line(products: Graph) -> None:
    first = runner.invoke(app, ["rules", "install-defaults"])
    assert first.exit_code == 0, first.output
    # 6 fixed rules and one per category (drinks, pots); 3 parents and 8 tags are new.
    assert "Default rules: 8 created, 0 already there; 11 tags created." in first.stdout
    again = runner.invoke(app, ["rules", "install-defaults"])
    assert "Default rules: 0 created, 8 already there; 0 tags created." in again.stdout


@pytest.fixture
async def products(graph: Graph, settings: Settings) -> Graph:
    await graph.run_text(
        "tests/products",
        "CREATE (:Product {id: 'p1', category: 'drinks'}), (:Product {id: 'p2', category: 'pots'})",
        write=True,
    )
    return graph
