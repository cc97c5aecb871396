"""The segment compiler, TCK style: definition in, exact Cypher text and params out.

Plus validation errors (each names the path of the bad value), and a test that EXPLAINs the
compiled queries on the real Neo4j (parses and plans them without running).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from core.errors import BadUserInput
from graph.db import Graph
from graph.segments import compile_segment, parse_definition
from graph.segments.definition import MAX_DEPTH, MAX_ITEMS, product_ids, tag_names
from graph.segments.evaluation import checked_count_query

AS_OF = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def compiled(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    segment = compile_segment(parse_definition(raw), AS_OF)
    return segment.match, segment.params


def test_empty_definition_matches_every_customer() -> None:
    assert compiled({}) == ("MATCH (c:Customer)", {})


def test_attributes_and_ages() -> None:
    text, params = compiled(
        {"cities": ["Shanghai", " Shanghai "], "genders": ["f"], "minAge": 30, "maxAge": 39}
    )
    assert text == (
        "MATCH (c:Customer)\n"
        "WHERE c.city IN $p0\n"
        "  AND c.gender IN $p1\n"
        "  AND c.birthDate <= date($asOf) - duration({years: $p2})\n"
        "  AND c.birthDate > date($asOf) - duration({years: $p3 + 1})"
    )
    assert params == {"p0": ["Shanghai"], "p1": ["F"], "p2": 30, "p3": 39, "asOf": AS_OF}


TAG_PATHS = "  MATCH (b)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(t:Tag)\n"


def test_tags_are_sets_of_holders_started_from() -> None:
    text, params = compiled({"allTags": ["VIP", "Gold"], "noneTags": ["Risk"]})
    assert text == (
        "CALL () {\n" + TAG_PATHS + "  WHERE t.name IN $p0\n"
        "  WITH b, count(DISTINCT t.name) AS found WHERE found = size($p0)\n"
        "  RETURN collect(b) AS s0\n"
        "}\n"
        "CALL () {\n" + TAG_PATHS + "  WHERE t.name IN $p1\n"
        "  RETURN collect(DISTINCT b) AS s1\n"
        "}\n"
        "UNWIND s0 AS c\n"
        "WITH *\n"
        "WHERE NOT c IN s1"
    )
    assert params == {"p0": ["VIP", "Gold"], "p1": ["Risk"]}


def test_behaviour_in_a_window() -> None:
    text, params = compiled(
        {"withinDays": 90, "minPurchaseCount": 2, "maxTotalSpend": 100, "noPurchaseWithinDays": 7}
    )
    purchases = "  MATCH (b)-[:HAD]->(i:Interaction)\n  WHERE i.type = 'PURCHASE' AND "
    window = "i.occurredAt >= $asOf - duration({days: $%s}) AND i.occurredAt <= $asOf\n"
    assert text == (
        "CALL () {\n" + purchases + window % "p0" + "  WITH b, count(*) AS found "
        "WHERE found >= $p1\n"
        "  RETURN collect(b) AS s0\n"
        "}\n"
        # maxTotalSpend 100: the set of those who spent more, negated (no purchase is 0)
        "CALL () {\n" + purchases + window % "p2" + "  WITH b, sum(coalesce(i.amount, 0.0)) "
        "AS spend WHERE spend > $p3\n"
        "  RETURN collect(b) AS s1\n"
        "}\n"
        "CALL () {\n" + purchases + "i.occurredAt > $asOf - duration({days: $p4}) "
        "AND i.occurredAt <= $asOf\n"
        "  RETURN collect(DISTINCT b) AS s2\n"
        "}\n"
        "UNWIND s0 AS c\n"
        "WITH *\n"
        "WHERE NOT c IN s1\n"
        "  AND NOT c IN s2"
    )
    assert params == {"p0": 90, "p1": 2, "p2": 90, "p3": 100.0, "p4": 7, "asOf": AS_OF}


@pytest.mark.parametrize(
    ("raw", "having", "positive"),
    [
        ({"minTotalSpend": 5}, "spend >= $p0", True),
        ({"minTotalSpend": 0}, "spend < $p0", False),
        ({"minTotalSpend": -5}, "spend < $p0", False),
        ({"maxTotalSpend": 5}, "spend > $p0", False),
        ({"maxTotalSpend": 0}, "spend > $p0", False),
        ({"maxTotalSpend": -5}, "spend <= $p0", True),
    ],
)
def test_spend_sets_hold_the_customers_zero_does_not_decide(
    raw: dict[str, Any], having: str, positive: bool
) -> None:
    """Customers without purchases have spend 0: when 0 meets the bound, the set holds the
    buyers who fail it and the condition is `NOT c IN s0`."""
    text, _ = compiled(raw)
    assert f"AS spend WHERE {having}\n" in text
    assert text.endswith("UNWIND s0 AS c\nWITH *" if positive else
                         "MATCH (c:Customer)\nWHERE NOT c IN s0")  # fmt: skip


def test_at_least_zero_is_no_condition() -> None:
    assert compiled({"minPurchaseCount": 0}) == ("MATCH (c:Customer)", {})
    assert compiled({"minInteractions": 0, "withinDays": 7})[0] == "MATCH (c:Customer)"


def test_products_and_interactions_without_window() -> None:
    text, params = compiled(
        {
            "purchasedAllProducts": ["p1", "p2"],
            "purchasedAnyProducts": ["p3"],
            "interactionTypes": ["CALL", "EMAIL"],
        }
    )
    bought = (
        "  MATCH (pr:Product) WHERE pr.id IN $%s\n"
        "  UNWIND [(pr)<-[:ABOUT]-(x) | x] AS i\n"
        "  MATCH (b)-[:HAD]->(i)\n"
        "  WHERE i:Interaction AND i.type = 'PURCHASE' AND i.occurredAt <= $asOf\n"
    )
    assert text == (
        "CALL () {\n" + bought % "p0" + "  RETURN collect(DISTINCT b) AS s0\n"
        "}\n"
        "CALL () {\n" + bought % "p1" + "  WITH b, count(DISTINCT pr.id) AS found "
        "WHERE found = size($p1)\n"
        "  RETURN collect(b) AS s1\n"
        "}\n"
        "CALL () {\n"
        "  MATCH (b)-[:HAD]->(i:Interaction)\n"
        "  WHERE i.type IN $p2 AND i.occurredAt <= $asOf\n"
        "  WITH b, count(*) AS found WHERE found >= $p3\n"
        "  RETURN collect(b) AS s2\n"
        "}\n"
        # the smallest of the sets every member is in, chosen when the query runs
        "UNWIND reduce(m = s0, s IN [s1, s2] | CASE WHEN size(s) < size(m) THEN s ELSE m END)"
        " AS c\n"
        "WITH *\n"
        "WHERE c IN s0\n"
        "  AND c IN s1\n"
        "  AND c IN s2"
    )
    assert params == {
        "p0": ["p3"],
        "p1": ["p1", "p2"],
        "p2": ["CALL", "EMAIL"],
        "p3": 1,  # interactionTypes alone: at least one
        "asOf": AS_OF,
    }


def test_nesting_or_not_and_stage_driver() -> None:
    text, params = compiled(
        {
            "stages": ["LOYAL", "ACTIVE"],
            "or": [{"regions": ["East"]}, {"and": [{"minAge": 18}, {"cities": ["Beijing"]}]}],
            "not": {"cities": ["Shanghai"], "anyTags": ["Risk"]},
        }
    )
    assert text == (
        "CALL () {\n"
        "  MATCH (b)-[:IN_STAGE]->(s:LifecycleStage)\n"
        "  WHERE s.name IN $p0\n"
        "  RETURN collect(DISTINCT b) AS s0\n"
        "}\n"
        "CALL () {\n" + TAG_PATHS + "  WHERE t.name IN $p4\n"
        "  RETURN collect(DISTINCT b) AS s1\n"
        "}\n"
        "UNWIND s0 AS c\n"
        "WITH *\n"
        "WHERE (c.region IN $p1 OR (c.birthDate <= date($asOf) - duration({years: $p2}) "
        "AND c.city IN $p3))\n"
        "  AND NOT coalesce((c IN s1 AND c.city IN $p5), false)"
    )
    assert params == {
        "p0": ["LOYAL", "ACTIVE"],
        "p1": ["East"],
        "p2": 18,
        "p3": ["Beijing"],
        "p4": ["Risk"],
        "p5": ["Shanghai"],
        "asOf": AS_OF,
    }


def test_user_text_never_reaches_the_query() -> None:
    evil = "x' }) DETACH DELETE c //"
    raw = {"anyTags": [evil], "cities": [evil], "purchasedAnyProducts": [evil]}
    text, params = compiled(raw)
    assert evil not in text and "DELETE" not in text
    assert evil in params["p0"] and evil in params["p1"]


def test_same_definition_same_text() -> None:
    raw = {"or": [{"anyTags": ["A"]}, {"minInteractions": 3, "withinDays": 30}], "maxAge": 50}
    assert compiled(raw) == compiled(raw)
    assert parse_definition(parse_definition(raw).to_json()) == parse_definition(raw)


def test_names_and_ids_with_their_first_path() -> None:
    definition = parse_definition(
        {"anyTags": ["A"], "or": [{"allTags": ["B", "A"]}, {"purchasedAllProducts": ["p1"]}]}
    )
    assert tag_names(definition) == {"A": "definition.anyTags", "B": "definition.or[0].allTags"}
    assert product_ids(definition) == {"p1": "definition.or[1].purchasedAllProducts"}


def nested(depth: int) -> dict[str, Any]:
    raw: dict[str, Any] = {"minAge": 1}
    for _ in range(depth - 1):
        raw = {"not": raw}
    return raw


@pytest.mark.parametrize(
    ("raw", "field", "reason"),
    [
        ({"minAge": -1}, "definition.minAge", "must be between 0 and 200, got -1"),
        ({"or": [{}, {"minAge": "3"}]}, "definition.or[1].minAge", "must be an integer"),
        ({"minAge": True}, "definition.minAge", "must be an integer"),
        ({"minAge": 40, "maxAge": 30}, "definition.maxAge", "must not be below minAge (40)"),
        ({"anyTags": []}, "definition.anyTags", "must not be empty (leave the field out instead)"),
        ({"anyTags": ["ok", "  "]}, "definition.anyTags[1]", "must not be empty"),
        ({"cities": "Shanghai"}, "definition.cities", "must be a list"),
        ({"genders": ["X"]}, "definition.genders[0]", "'X' is not one of F, M, U"),
        ({"stages": ["GONE"]}, "definition.stages[0]", "'GONE' is not one of PROSPECT, NEW, "
         "ACTIVE, LOYAL, AT_RISK, DORMANT, CHURNED"),
        ({"and": [{"not": {"colour": ["red"]}}]}, "definition.and[0].not.colour",
         "is not a SegmentDefinition field"),
        ({"withinDays": 30}, "definition.withinDays", "applies to minPurchaseCount, "
         "minTotalSpend, maxTotalSpend or minInteractions; give one of them"),
        ({"withinDays": 0, "minPurchaseCount": 1}, "definition.withinDays",
         "must be between 1 and 36600, got 0"),
        ({"minTotalSpend": float("nan")}, "definition.minTotalSpend",
         "must be a finite amount, got nan"),
        ({"minTotalSpend": 5, "maxTotalSpend": 1}, "definition.maxTotalSpend",
         "must not be below minTotalSpend (5.0)"),
        ({"cities": ["a"] * (MAX_ITEMS + 1)}, "definition.cities",
         f"at most {MAX_ITEMS} items, got {MAX_ITEMS + 1}"),
        (nested(MAX_DEPTH + 1), "definition" + ".not" * MAX_DEPTH,
         f"definitions nest at most {MAX_DEPTH} deep"),
        ({"or": [{"and": [{}] * 600}, {"and": [{}] * 600}]}, "definition.or[1].and[397]",
         "at most 1000 definitions in all"),
        ({"not": []}, "definition.not", "must be a SegmentDefinition object"),
    ],
)  # fmt: skip
def test_validation_errors_name_the_path(raw: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(BadUserInput) as caught:
        parse_definition(raw)
    assert (caught.value.field, caught.value.reason) == (field, reason)
    assert caught.value.message == f"{field}: {reason}"


def test_the_deepest_allowed_nesting_compiles() -> None:
    text, _ = compiled(nested(MAX_DEPTH))
    assert text.count("NOT") == MAX_DEPTH - 1


EXAMPLES: list[dict[str, Any]] = [
    {},
    {"cities": ["Shanghai"], "genders": ["F"], "minAge": 30, "maxAge": 39},
    {"allTags": ["VIP", "Gold"], "noneTags": ["Risk"]},
    {"withinDays": 90, "minPurchaseCount": 2, "minTotalSpend": 1, "maxTotalSpend": 100},
    {"noPurchaseWithinDays": 7, "interactionTypes": ["CALL"], "minInteractions": 2},
    {"purchasedAllProducts": ["p1", "p2"], "purchasedAnyProducts": ["p3"]},
    {
        "stages": ["LOYAL"],
        "or": [{"regions": ["East"]}, {"and": [{"minAge": 18}, {"cities": ["Beijing"]}]}],
        "not": {"cities": ["Shanghai"], "anyTags": ["Risk"], "not": {"maxAge": 20}},
    },
]


@pytest.mark.parametrize("raw", EXAMPLES)
async def test_compiled_queries_plan_on_neo4j(graph: Graph, raw: dict[str, Any]) -> None:
    segment = compile_segment(parse_definition(raw), AS_OF)
    checked_count = checked_count_query(segment.count_query)  # with its names' check
    for text in (segment.count_query, segment.page_query, segment.export_query, checked_count):
        await graph.run_text(
            "tests/explain_segment",
            "EXPLAIN " + text,
            **segment.params,
            **segment.page_params("", 10),
            tags=[],
            products=[],
        )
