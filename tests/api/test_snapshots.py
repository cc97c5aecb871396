"""Segment snapshots: snapshotSegment, Segment.snapshots, segmentDiff."""

from __future__ import annotations

from typing import Any

from graph.db import Graph, counting_round_trips
from graph.segments import snapshots
from tests.api.conftest import Api, snapshot

SAVE = 'mutation ($d: SegmentDefinition!) { saveSegment(name: "VIPs", definition: $d) { id } }'
TAKE = """
mutation ($id: ID!, $asOf: DateTime) {
  snapshotSegment(id: $id, asOf: $asOf) {
    id count asOf segment { name }
    customers(first: 10) { totalCount edges { node { id tags { name } } } }
  }
}
"""
DIFF = """
query ($from: ID!, $to: ID!, $first: Int, $after: String) {
  segmentDiff(from: $from, to: $to) {
    joined(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id } }
    }
    left { totalCount edges { node { id } } }
  }
}
"""
ASSIGN = "mutation ($id: ID!, $t: [String!]!) { assignTags(customerId: $id, tags: $t) { id } }"
REMOVE = "mutation ($id: ID!, $t: [String!]!) { removeTags(customerId: $id, tags: $t) { id } }"


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def vip_segment(api: Api) -> str:
    segment_id: str = (await api(SAVE, d={"anyTags": ["VIP"]}))["saveSegment"]["id"]
    return segment_id


async def test_members_stay_frozen_and_diffs_name_who_joined_and_left(
    api: Api, shop: Graph
) -> None:
    segment_id = await vip_segment(api)
    first = (await api(TAKE, id=segment_id))["snapshotSegment"]
    assert first["count"] == 2 and first["segment"] == {"name": "VIPs"}
    assert ids(first["customers"]) == ["c1", "c2"]
    await api(REMOVE, id="c2", t=["VIP"])
    await api(ASSIGN, id="c3", t=["VIP"])
    second = (await api(TAKE, id=segment_id))["snapshotSegment"]
    assert ids(second["customers"]) == ["c1", "c3"]
    # the first snapshot still answers who was in it then, whatever their tags are now
    again = await api(
        "query ($id: ID!) { segment(id: $id) { snapshots { id count "
        "customers { edges { node { id } } } } } }",
        id=segment_id,
    )
    listed = again["segment"]["snapshots"]
    assert [s["id"] for s in listed] == [second["id"], first["id"]]  # newest first
    assert ids(listed[1]["customers"]) == ["c1", "c2"]
    diff = (await api(DIFF, **{"from": first["id"], "to": second["id"]}))["segmentDiff"]
    assert ids(diff["joined"]) == ["c3"] and diff["joined"]["totalCount"] == 1
    assert ids(diff["left"]) == ["c2"] and diff["left"]["totalCount"] == 1


async def test_a_snapshot_as_of_a_past_moment(api: Api, shop: Graph) -> None:
    """asOf evaluates the definition then (c1 bought on 2025-03-05)."""
    segment_id = (
        await api(
            'mutation { saveSegment(name: "Recent", '
            "definition: {minPurchaseCount: 1, withinDays: 3}) { id } }"
        )
    )["saveSegment"]["id"]
    before = await api(TAKE, id=segment_id, asOf="2025-03-01T00:00:00Z")
    assert before["snapshotSegment"]["count"] == 0
    assert before["snapshotSegment"]["asOf"] == "2025-03-01T00:00:00Z"
    after = await api(TAKE, id=segment_id, asOf="2025-03-06T00:00:00Z")
    assert ids(after["snapshotSegment"]["customers"]) == ["c1"]


async def test_members_are_written_in_batches_and_paged(
    api: Api, graph: Graph, monkeypatch: Any
) -> None:
    await graph.run_text(
        "t",
        "CREATE (t:Tag {id: 't', name: 'VIP', status: 'ACTIVE'}) "
        "WITH t UNWIND range(1, 25) AS n "
        "CREATE (:Customer {id: 'k' + right('0' + toString(n), 2), name: 'K'})-[:HAS_TAG]->(t)",
        write=True,
    )
    monkeypatch.setattr(snapshots, "BATCH", 10)  # 3 transactions for 25 members
    segment_id = await vip_segment(api)
    with counting_round_trips() as counter:
        taken = (await api(TAKE, id=segment_id))["snapshotSegment"]
    assert taken["count"] == 25
    # one read of the members' ids, one transaction per batch of them
    assert [name for name, _, _ in counter.statements] == [
        "segments/by_ids",
        "segments/unknown_names",
        "segments/snapshot_start",
        "segments/snapshot_ids",
        "segments/snapshot_members",
        "segments/snapshot_members",
        "segments/snapshot_members",
        "segments/snapshot_complete",
        "audit/record",
        "segments/by_ids",  # the result's segment { name }, read after the write
        "segments/snapshot_customers",
        "fields/Customer/tags",
    ]
    empty = (await api(TAKE, id=segment_id))["snapshotSegment"]["id"]
    await graph.run_text("t", "MATCH (c:Customer {id: 'k25'}) DETACH DELETE c", write=True)
    seen: list[str] = []
    after = None
    while True:
        page = (await api(DIFF, **{"from": empty, "to": taken["id"], "first": 10,
                                   "after": after}))["segmentDiff"]  # fmt: skip
        seen += ids(page["joined"])
        assert page["joined"]["totalCount"] == 0
        if not page["joined"]["pageInfo"]["hasNextPage"]:
            break
        after = page["joined"]["pageInfo"]["endCursor"]
    assert seen == []  # both hold the same members
    # a customer deleted since (issue 17 erases): gone from the snapshot too, never a dangling id
    left = (await api(DIFF, **{"from": taken["id"], "to": empty}))["segmentDiff"]["left"]
    assert left["totalCount"] == 0


async def test_a_snapshot_page_of_members_costs_one_round_trip_for_their_tags(
    api: Api, shop: Graph
) -> None:
    segment_id = await vip_segment(api)
    await api(TAKE, id=segment_id)
    await api(TAKE, id=segment_id)
    with counting_round_trips() as counter:
        data = await api(
            "query ($id: ID!) { segment(id: $id) { snapshots { customers { edges { node { "
            "id tags { name } } } } } } }",
            id=segment_id,
        )
    assert [ids(s["customers"]) for s in data["segment"]["snapshots"]] == [["c1", "c2"]] * 2
    # the segment, its snapshots, both member pages (one query), their tags (one query)
    assert counter.count == 4


async def test_bad_ids_write_nothing(api: Api, shop: Graph) -> None:
    before = await snapshot(shop)
    error = await api.error(TAKE, id="seg-nope")
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    assert await snapshot(shop) == before
    segment_id = await vip_segment(api)
    taken = (await api(TAKE, id=segment_id))["snapshotSegment"]["id"]
    for wrong, field in ((("snap-nope", taken), "from"), ((taken, "snap-nope"), "to")):
        error = await api.error(DIFF, **{"from": wrong[0], "to": wrong[1]})
        assert error["extensions"] == {"code": "NOT_FOUND", "field": field}
    viewer = await api.as_role("viewer").errors(TAKE, id=segment_id)
    assert viewer[0]["extensions"]["code"] == "FORBIDDEN"
    await api("mutation ($id: ID!) { deleteSegment(id: $id) }", id=segment_id)
    left = await shop.run_text("t", "MATCH (s:SegmentSnapshot) RETURN count(s) AS n")
    assert left == [{"n": 0}]


async def test_masked_roles_cannot_read_ages_from_snapshots_of_other_days(
    api: Api, shop: Graph
) -> None:
    """Masked means not inferable: snapshots of an age condition evaluated on other days than
    they were taken (a marketer may take them) would tell a viewer birthdays when compared;
    a viewer does not see them, and a diff naming one is FORBIDDEN. Taken as of their own
    day, or of a definition without age, they are the viewer's to read."""
    aged = (await api('mutation { saveSegment(name: "35+", definition: {minAge: 35}) { id } }'))[
        "saveSegment"]["id"]  # fmt: skip
    marketer = api.as_role("marketer")
    past = (await marketer(TAKE, id=aged, asOf="2024-06-01T00:00:00Z"))["snapshotSegment"]
    today = (await marketer(TAKE, id=aged))["snapshotSegment"]
    listed = "query ($id: ID!) { segment(id: $id) { snapshots { id count } } }"
    assert [s["id"] for s in (await marketer(listed, id=aged))["segment"]["snapshots"]] == [
        today["id"], past["id"]]  # fmt: skip
    viewer = api.as_role("viewer")
    assert (await viewer(listed, id=aged))["segment"]["snapshots"] == [
        {"id": today["id"], "count": today["count"]}
    ]
    refused = await viewer.error(DIFF, **{"from": past["id"], "to": today["id"]})
    assert refused["extensions"] == {"code": "FORBIDDEN", "field": "from"}
    assert (await viewer.errors(DIFF, **{"from": today["id"], "to": past["id"]}))[0][
        "extensions"] == {"code": "FORBIDDEN", "field": "to"}  # fmt: skip
    # the marketer sees birthDate: the diff is theirs to read
    assert (await marketer(DIFF, **{"from": past["id"], "to": today["id"]}))["segmentDiff"]
    # without an age condition, any moment is fine for anyone
    segment_id = await vip_segment(api)
    old = (await marketer(TAKE, id=segment_id, asOf="2024-06-01T00:00:00Z"))["snapshotSegment"]
    assert [s["id"] for s in (await viewer(listed, id=segment_id))["segment"]["snapshots"]] == [
        old["id"]]  # fmt: skip
