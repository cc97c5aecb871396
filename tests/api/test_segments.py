"""Segments through GraphQL on the shop (tests/api/conftest.py): preview, save, list, delete,
errors, and round trips that do not grow with the number of segments or members."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from graph.db import Graph, counting_round_trips
from graph.segments.evaluation import checked_count_query
from tests.api.conftest import Api, snapshot

PREVIEW = """
query ($d: SegmentDefinition!, $asOf: DateTime, $first: Int, $after: String) {
  segmentPreview(definition: $d, asOf: $asOf) {
    count cypher cypherParams asOf
    customers(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name tags { name } } }
    }
  }
}
"""
AS_OF = "2025-03-10T00:00:00Z"


async def preview(api: Api, definition: dict[str, Any], **variables: Any) -> dict[str, Any]:
    variables.setdefault("asOf", AS_OF)
    data = await api(PREVIEW, d=definition, **variables)
    result: dict[str, Any] = data["segmentPreview"]
    return result


def ids(result: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in result["customers"]["edges"]]


async def test_preview_count_customers_and_cypher(api: Api, shop: Graph) -> None:
    # VIP includes Gold below it: c1 (VIP, Gold) and c2 (VIP).
    result = await preview(api, {"anyTags": ["VIP"]})
    assert result["count"] == 2
    assert ids(result) == ["c1", "c2"]
    assert result["customers"]["totalCount"] == 2
    assert "$p0" in result["cypher"] and "VIP" not in result["cypher"]
    assert json.loads(result["cypherParams"]) == {"p0": ["VIP"]}
    assert result["asOf"] == AS_OF


async def test_preview_pages_by_id(api: Api, shop: Graph) -> None:
    first = await preview(api, {}, first=2)
    assert ids(first) == ["c1", "c2"] and first["customers"]["pageInfo"]["hasNextPage"]
    after = first["customers"]["pageInfo"]["endCursor"]
    rest = await preview(api, {}, first=2, after=after)
    assert ids(rest) == ["c3"] and not rest["customers"]["pageInfo"]["hasNextPage"]
    assert rest["count"] == rest["customers"]["totalCount"] == 3


async def test_tag_below_and_behaviour_at_as_of(api: Api, shop: Graph) -> None:
    assert ids(await preview(api, {"anyTags": ["Gold"]})) == ["c1"]
    assert ids(await preview(api, {"noneTags": ["VIP"]})) == ["c3"]
    # c1 bought on 01-01, 02-01, 03-05; c2 on 01-15.
    assert ids(await preview(api, {"minPurchaseCount": 3})) == ["c1"]
    assert ids(await preview(api, {"minPurchaseCount": 3}, asOf="2025-03-04T00:00:00Z")) == []
    window = {"withinDays": 30, "minTotalSpend": 10}
    assert ids(await preview(api, window)) == ["c1"]  # 10.5 on 03-05
    assert ids(await preview(api, {"noPurchaseWithinDays": 30})) == ["c2", "c3"]
    assert ids(await preview(api, {"maxTotalSpend": 0})) == ["c3"]
    assert ids(await preview(api, {"stages": ["LOYAL", "ACTIVE"], "cities": ["Beijing"]})) == ["c2"]
    # Alice, born 1990-04-01, is 34 on 2025-03-10; the others have no birthDate.
    assert ids(await preview(api, {"maxAge": 34})) == ["c1"]
    assert ids(await preview(api, {"not": {"minAge": 35}})) == ["c1", "c2", "c3"]
    assert ids(await preview(api, {"or": [{"minAge": 35}, {"regions": ["North"]}]})) == ["c2"]


async def test_preview_errors_name_the_field(api: Api, shop: Graph) -> None:
    cases = [
        ({"or": [{}, {"anyTags": ["Nope"]}]}, "definition.or[1].anyTags: unknown tag 'Nope'"),
        ({"minAge": -3}, "definition.minAge: must be between 0 and 200, got -3"),
        ({"purchasedAnyProducts": ["p9"]}, "definition.purchasedAnyProducts: unknown product 'p9'"),
    ]
    for definition, message in cases:
        error = await api.error(PREVIEW, d=definition)
        assert error["message"] == message
        assert error["extensions"]["code"] == "BAD_USER_INPUT"


SAVE = """
mutation ($name: String!, $d: SegmentDefinition!) {
  saveSegment(name: $name, definition: $d) { id name definition count customers { totalCount } }
}
"""
LIST = """
{ segments { id name definition count(asOf: "2025-03-10T00:00:00Z")
             customers(first: 1) { totalCount edges { node { id name stage } } } } }
"""


async def test_save_get_list_delete(api: Api, shop: Graph) -> None:
    saved = (await api(SAVE, name=" Big  spenders ", d={"anyTags": [" ＶＩＰ "]}))["saveSegment"]
    assert saved["name"] == "Big spenders"
    assert json.loads(saved["definition"]) == {"anyTags": ["VIP"]}
    assert saved["count"] == 2 and saved["customers"]["totalCount"] == 2
    await api(SAVE, name="Anyone", d={})
    listed = (await api(LIST))["segments"]
    assert [s["name"] for s in listed] == ["Anyone", "Big spenders"]
    assert [s["count"] for s in listed] == [3, 2]
    got = await api(
        'query ($id: ID!) { segment(id: $id) { name count(asOf: "2025-03-10T00:00:00Z") } }',
        id=saved["id"],
    )
    assert got["segment"] == {"name": "Big spenders", "count": 2}
    assert (await api('{ segment(id: "nope") { id } }'))["segment"] is None
    delete = "mutation ($id: ID!) { deleteSegment(id: $id) }"
    assert (await api(delete, id=saved["id"]))["deleteSegment"] is True
    error = await api.error(delete, id=saved["id"])
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["message"] == f"id: segment not found: {saved['id']!r}"
    assert [s["name"] for s in (await api(LIST))["segments"]] == ["Anyone"]


async def test_failed_saves_write_nothing(api: Api, shop: Graph) -> None:
    await api(SAVE, name="Taken", d={})
    before = await snapshot(shop)
    for name, definition, message in [
        ("Taken", {}, "name: a segment named 'Taken' already exists"),
        ("New", {"allTags": ["VIP", "Ghost"]}, "definition.allTags: unknown tag 'Ghost'"),
        ("New", {"withinDays": 3}, "definition.withinDays: applies to minPurchaseCount, "
         "minTotalSpend, maxTotalSpend or minInteractions; give one of them"),
        ("  ", {}, "name: must not be empty"),
    ]:  # fmt: skip
        error = await api.error(SAVE, name=name, d=definition)
        assert (error["message"], error["extensions"]["code"]) == (message, "BAD_USER_INPUT")
    assert await snapshot(shop) == before


async def test_saves_racing_for_one_name_let_exactly_one_win(api: Api, shop: Graph) -> None:
    results = await asyncio.gather(*(api.execute(SAVE, name="Race", d={}) for _ in range(4)))
    failed = [r.errors[0].formatted for r in results if r.errors]
    assert len(failed) == 3
    assert {e["message"] for e in failed} == {"name: a segment named 'Race' already exists"}
    assert [s["name"] for s in (await api(LIST))["segments"]] == ["Race"]


async def test_a_saved_segment_whose_tag_was_removed_reports_it(api: Api, shop: Graph) -> None:
    saved = (await api(SAVE, name="Risky", d={"anyTags": ["Risk"]}))["saveSegment"]
    await shop.run_text(
        "tests/drop_tag", "MATCH (t:Tag {name: 'Risk'}) DETACH DELETE t", write=True
    )
    result = await api.execute(
        "query ($id: ID!) { segment(id: $id) { name count } }", id=saved["id"]
    )
    assert result.errors is not None
    [error] = [e.formatted for e in result.errors]
    assert error["message"] == "definition.anyTags: unknown tag 'Risk'"


async def test_round_trips_do_not_grow(api: Api, shop: Graph) -> None:
    async def trips(segments: int) -> int:
        await shop.run_text("tests/no_segments", "MATCH (s:Segment) DELETE s", write=True)
        for n in range(segments):
            await api(SAVE, name=f"S{n}", d={"or": [{"anyTags": ["VIP"]}, {"minAge": n}]})
        with counting_round_trips() as counter:
            listed = (await api(LIST))["segments"]
        assert len(listed) == segments
        return counter.count

    assert await trips(1) == await trips(5)
    with counting_round_trips() as counter:
        await preview(api, {"anyTags": ["VIP"]}, first=1)
    small = counter.count
    with counting_round_trips() as counter:
        await preview(api, {"anyTags": ["VIP"]}, first=3)
    assert counter.count == small


def evaluations(statements: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
    """The statements that counted or paged segments (not the name checks)."""
    kinds = ("segments/count", "segments/page", "segments/evaluate")
    return [statement for statement in statements if statement[0] in kinds]


async def test_preview_cypher_is_exactly_the_statement_count_runs(api: Api, shop: Graph) -> None:
    """One definition, parsed and compiled once: `cypher` and `cypherParams` are the text and
    parameters sent to Neo4j for `count` (inside the statement that checks the names with it,
    one round trip), and the compiled query serves the page too."""
    query = """
    query ($d: SegmentDefinition!, $asOf: DateTime) {
      segmentPreview(definition: $d, asOf: $asOf) { count cypher cypherParams }
    }"""
    definition = {"anyTags": ["VIP"], "not": {"cities": ["Shanghai"]}, "minAge": 1}
    with counting_round_trips() as counter:
        result = (await api(query, d=definition, asOf=AS_OF))["segmentPreview"]
    [(name, text, params)] = counter.statements
    assert name == "segments/checked_count"
    assert text == checked_count_query(result["cypher"])
    sent = {
        k: v.isoformat().replace("+00:00", "Z") if k == "asOf" else v for k, v in params.items()
    }
    assert sent == json.loads(result["cypherParams"]) | {"tags": ["VIP"], "products": []}
    with counting_round_trips() as counter:
        paged = await preview(api, definition, first=1)
    [(name, text, _)] = evaluations(counter.statements)
    assert name == "segments/page" and text.startswith(paged["cypher"].rsplit("\nRETURN", 1)[0])
    assert paged["count"] == paged["customers"]["totalCount"] == result["count"]


async def test_preview_count_checks_names_in_the_same_round_trip(api: Api, shop: Graph) -> None:
    """Tag names of its own: one round trip. An alias: a second one, the resolved count. An
    unknown name: the error, and no count."""
    await api('mutation { renameTag(name: "Gold", newName: "Gold+") { name } }')
    query = (
        "query ($d: SegmentDefinition!) { segmentPreview(definition: $d) { count cypherParams } }"
    )
    for tags, count, round_trips, params in [
        (["VIP"], 2, 1, {"p0": ["VIP"]}),
        (["Gold+"], 1, 1, {"p0": ["Gold+"]}),
        (["Gold"], 1, 2, {"p0": ["Gold+"]}),  # the old name is an alias
    ]:
        with counting_round_trips() as counter:
            result = (await api(query, d={"anyTags": tags}))["segmentPreview"]
        assert (result["count"], json.loads(result["cypherParams"])) == (count, params)
        assert counter.count == round_trips, tags
    with counting_round_trips() as counter:
        error = await api.error(query, d={"anyTags": ["Nope"]})
    assert (error["extensions"], counter.count) == (
        {"code": "BAD_USER_INPUT", "field": "definition.anyTags"},
        1,
    )


async def test_saved_segments_of_one_request_run_in_one_statement(api: Api, shop: Graph) -> None:
    """Several definitions (counts and pages) share one UNION ALL; the same definition asked
    twice is evaluated once."""
    for n, d in enumerate([{"anyTags": ["VIP"]}, {"minAge": 1}, {"anyTags": ["VIP"]}]):
        await api(SAVE, name=f"S{n}", d=d)
    query = "{ segments { name count customers(first: 1) { edges { node { id } } } } }"
    with counting_round_trips() as counter:
        listed = (await api(query))["segments"]
    [(name, text, _)] = evaluations(counter.statements)
    assert name == "segments/evaluate"
    assert text.count("UNION ALL") == 1  # two distinct definitions
    counts = {s["name"]: s["count"] for s in listed}
    assert counts["S0"] == counts["S2"]
