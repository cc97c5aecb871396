"""The segment compiler, TCK style: definition in, exact Cypher text and params out.

Plus validation errors (each names the path of the bad value), and a test that EXPLAINs the
compiled queries on the real Neo4j (parses and plans them without running).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from graph.db import Graph
from graph.errors import BadUserInput
from graph.segment import compile_segment, parse_definition
from graph.segment.definition import MAX_DEPTH, MAX_ITEMS, product_ids, tag_names

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


def test_tags_start_from_the_first_tag_condition() -> None:
    text, params = compiled({"allTags": ["VIP", "Gold"], "noneTags": ["Risk"]})
    assert text == (
        "MATCH (c:Customer)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(root:Tag)\n"
        "WHERE root.name IN $p0\n"
        "WITH DISTINCT c\n"
        "WHERE EXISTS { MATCH (c)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(t:Tag) "
        "WHERE t.name IN $p1 }\n"
        "  AND NOT EXISTS { MATCH (c)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(t:Tag) "
        "WHERE t.name IN $p2 }"
    )
    assert params == {"p0": ["VIP"], "p1": ["Gold"], "p2": ["Risk"]}


def test_behaviour_in_a_window() -> None:
    text, params = compiled(
        {"withinDays": 90, "minPurchaseCount": 2, "maxTotalSpend": 100, "noPurchaseWithinDays": 7}
    )
    window = "i.occurredAt >= $asOf - duration({days: $%s}) AND i.occurredAt <= $asOf"
    assert text == (
        "MATCH (c:Customer)\n"
        "WHERE COUNT { MATCH (c)-[:HAD]->(i:Interaction) WHERE i.type = 'PURCHASE' AND "
        + window
        % "p0"
        + " } >= $p1\n"
        "  AND reduce(spend = 0.0, a IN [(c)-[:HAD]->(i:Interaction) WHERE i.type = 'PURCHASE' "
        "AND " + window % "p2" + " | coalesce(i.amount, 0.0)] | spend + a) <= $p3\n"
        "  AND NOT EXISTS { MATCH (c)-[:HAD]->(i:Interaction) WHERE i.type = 'PURCHASE' "
        "AND i.occurredAt > $asOf - duration({days: $p4}) AND i.occurredAt <= $asOf }"
    )
    assert params == {"p0": 90, "p1": 2, "p2": 90, "p3": 100.0, "p4": 7, "asOf": AS_OF}


def test_products_and_interactions_without_window() -> None:
    text, params = compiled(
        {
            "purchasedAllProducts": ["p1", "p2"],
            "purchasedAnyProducts": ["p3"],
            "interactionTypes": ["CALL", "EMAIL"],
        }
    )
    assert text == (
        "MATCH (c:Customer)-[:HAD]->(i:Interaction)-[:ABOUT]->(pr:Product)\n"
        "WHERE pr.id IN $p0 AND i.type = 'PURCHASE' AND i.occurredAt <= $asOf\n"
        "WITH DISTINCT c\n"
        "WHERE all(pid IN $p1 WHERE EXISTS { MATCH (c)-[:HAD]->(i:Interaction)-[:ABOUT]->"
        "(:Product {id: pid}) WHERE i.type = 'PURCHASE' AND i.occurredAt <= $asOf })\n"
        "  AND COUNT { MATCH (c)-[:HAD]->(i:Interaction) WHERE i.type IN $p2 AND "
        "i.occurredAt <= $asOf } >= $p3"
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
        "MATCH (c:Customer)-[:IN_STAGE]->(s:LifecycleStage)\n"
        "WHERE s.name IN $p0\n"
        "WITH DISTINCT c\n"
        "WHERE (c.region IN $p1 OR (c.birthDate <= date($asOf) - duration({years: $p2}) "
        "AND c.city IN $p3))\n"
        "  AND NOT coalesce((EXISTS { MATCH (c)-[:HAS_TAG]->(:Tag)-[:CHILD_OF*0..]->(t:Tag) "
        "WHERE t.name IN $p4 } AND c.city IN $p5), false)"
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
    for text in (segment.count_query, segment.page_query, segment.export_query):
        await graph.run_text(
            "tests/explain_segment",
            "EXPLAIN " + text,
            **segment.params,
            **segment.page_params("", 10),
        )
