"""Spend bounds the property test does not draw (negative ones) and an `all` of several tags or
products, on Neo4j against the reference: the compiler turns each into a set of customers,
negated when a customer without purchases meets the bound."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from graph.db import Graph
from graph.segments import compile_segment, parse_definition
from tests.graph.test_segments_property import (
    AS_OFS,
    Customer,
    Interaction,
    load,
    reference_members,
)

AS_OF = AS_OFS[1]


def world() -> list[Customer]:
    refund = Customer("c1", {"A1", "C"}, "NEW", None, None, None, None)
    refund.interactions = [
        Interaction("PURCHASE", AS_OF - timedelta(days=3), -7.25, "p0"),
        Interaction("PURCHASE", AS_OF - timedelta(days=40), 5.0, "p1"),
    ]
    buyer = Customer("c2", {"B"}, "LOYAL", None, None, None, None)
    buyer.interactions = [
        Interaction("PURCHASE", AS_OF - timedelta(days=1), None, "p0"),
        Interaction("PURCHASE", AS_OF - timedelta(days=2), 2.25, "p1"),
        Interaction("VIEW", AS_OF - timedelta(days=2), None, "p2"),
    ]
    return [refund, buyer, Customer("c3", set(), None, None, None, None, None)]


CASES: list[dict[str, Any]] = [
    {"minTotalSpend": -5},
    {"minTotalSpend": -7.25, "withinDays": 7},
    {"maxTotalSpend": -5},
    {"maxTotalSpend": -7.25, "withinDays": 7},
    {"maxTotalSpend": 0, "withinDays": 7},
    {"minTotalSpend": 0, "withinDays": 7},
    {"not": {"maxTotalSpend": -1}},
    {"or": [{"minTotalSpend": 2}, {"maxTotalSpend": -1}]},
    {"allTags": ["Root0", "Root1"]},
    {"allTags": ["A", "A1"]},
    {"purchasedAllProducts": ["p0", "p1"]},
    {"purchasedAllProducts": ["p0", "p2"]},
    {"purchasedAnyProducts": ["p2"]},
    {"minPurchaseCount": 0, "noneTags": ["B"]},
]


@pytest.mark.parametrize("raw", CASES)
async def test_sets_match_the_reference(graph: Graph, raw: dict[str, Any]) -> None:
    customers = world()
    await load(graph, customers)
    definition = parse_definition(raw)
    segment = compile_segment(definition, AS_OF)
    rows = await graph.run_text("tests/segment", segment.export_query, **segment.params)
    assert [row["customer"]["id"] for row in rows] == reference_members(
        customers, definition, AS_OF
    )
