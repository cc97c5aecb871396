"""mergeCustomers: everything of the merged customers moves to the survivor, in one
transaction; their ids keep resolving; nothing written on bad input; racing merges."""

from __future__ import annotations

import asyncio
from typing import Any

from graph.db import Graph
from graph.ingest.importer import import_records
from tests.api.conftest import Api, snapshot

MERGE = """
mutation ($into: ID!, $from: [ID!]!) {
  mergeCustomers(into: $into, from: $from) {
    id name email phone city owner mergedIds totalSpend purchaseCount lastPurchaseAt stage
    tagAssignments { tag { name } source assignedAt }
    stageHistory { stage from to }
    interactions(first: 10) { totalCount edges { node { id } } }
  }
}
"""
LINES: list[dict[str, Any]] = [
    {"kind": "customer", "id": "m1", "name": "张伟", "email": "zw@example.com",
     "createdAt": "2024-01-01T00:00:00Z"},
    {"kind": "customer", "id": "m2", "name": "张伟 (app)", "phone": "13800138000",
     "city": "上海", "createdAt": "2024-06-01T00:00:00Z"},
    {"kind": "customer", "id": "m3", "name": "Wei", "city": "北京"},
    {"kind": "product", "id": "p1", "name": "Tea"},
    {"kind": "interaction", "id": "x1", "customerId": "m1", "type": "PURCHASE",
     "productId": "p1", "amount": 10.0, "occurredAt": "2025-01-01T00:00:00Z"},
    {"kind": "interaction", "id": "x2", "customerId": "m2", "type": "PURCHASE",
     "productId": "p1", "amount": 5.5, "occurredAt": "2025-03-01T00:00:00Z"},
    {"kind": "interaction", "id": "x3", "customerId": "m3", "type": "CALL",
     "occurredAt": "2025-02-01T00:00:00Z"},
    {"kind": "tagAssignment", "customerId": "m1", "tag": "VIP",
     "assignedAt": "2025-02-01T00:00:00Z"},
    {"kind": "tagAssignment", "customerId": "m2", "tag": "VIP",
     "assignedAt": "2024-12-01T00:00:00Z"},
    {"kind": "tagAssignment", "customerId": "m2", "tag": "App"},
    {"kind": "stage", "customerId": "m1", "stage": "NEW", "since": "2024-01-01T00:00:00Z"},
    {"kind": "stage", "customerId": "m2", "stage": "ACTIVE", "since": "2025-03-01T00:00:00Z"},
]  # fmt: skip


async def seed(graph: Graph) -> None:
    report = await import_records(graph, (("t", n, line) for n, line in enumerate(LINES, 1)))
    assert report.ok, report


async def test_everything_moves_to_the_survivor(api: Api, graph: Graph) -> None:
    await seed(graph)
    merged = (await api(MERGE, into="m1", **{"from": ["m2", "m3"]}))["mergeCustomers"]
    assert {k: merged[k] for k in ("id", "name", "email", "phone", "city", "mergedIds")} == {
        "id": "m1",
        "name": "张伟",
        "email": "zw@example.com",
        "phone": "+8613800138000",
        "city": "上海",
        "mergedIds": ["m2", "m3"],
    }  # fmt: skip  (m1 wins its own fields; m2's city came first: the sources in order)
    assert (merged["totalSpend"], merged["purchaseCount"], merged["lastPurchaseAt"]) == (
        15.5, 2, "2025-03-01T00:00:00Z")  # fmt: skip
    assert merged["interactions"]["totalCount"] == 3
    # one VIP, the earliest (m2's, with its source), and App
    assert [(a["tag"]["name"], a["assignedAt"]) for a in merged["tagAssignments"]] == [
        ("App", merged["tagAssignments"][0]["assignedAt"]),
        ("VIP", "2024-12-01T00:00:00Z"),
    ]
    # m1's NEW then m2's ACTIVE (closed at the merge: m1 has a stage of its own)
    assert [(s["stage"], s["from"]) for s in merged["stageHistory"]] == [
        ("NEW", "2024-01-01T00:00:00Z"), ("ACTIVE", "2025-03-01T00:00:00Z")]  # fmt: skip
    assert merged["stage"] == "NEW"
    # the merged ids resolve to the survivor; the sources are gone
    for old in ("m2", "m3"):
        assert (await api(f'{{ customer(id: "{old}") {{ id }} }}'))["customer"] == {"id": "m1"}
    [left] = await graph.run_text(
        "t", "RETURN COUNT { (c:Customer) } AS customers, "
        "COUNT { (:TagEvent {customerId: 'm2'}) } AS oldEvents"
    )  # fmt: skip
    assert left == {"customers": 1, "oldEvents": 0}
    # a mutation by a merged id changes the survivor; the timeline says MERGED
    await api('mutation { removeTags(customerId: "m3", tags: ["App"]) { id } }')
    timeline = (await api(
        '{ customer(id: "m1") { tags { name } timeline(kinds: [MERGED]) { edges { node { '
        "summary actor } } } } }"))["customer"]  # fmt: skip
    assert [t["name"] for t in timeline["tags"]] == ["VIP"]
    assert timeline["timeline"]["edges"] == [
        {"node": {"summary": "Merged m2, m3 by tester", "actor": "tester"}}
    ]


async def test_linkage_rules_do_not_fire_again(api: Api, graph: Graph) -> None:
    await seed(graph)
    await api(
        'mutation { createLinkageRule(input: {name: "call", whenTagAdded: "App", '
        'action: CREATE_TASK, taskTitle: "Call"}) { id } }'
    )
    await api('mutation { assignTags(customerId: "m3", tags: ["App"]) { id } }')  # fires: 1 task
    await api(MERGE, into="m1", **{"from": ["m3"]})  # m1 gains App by the merge: no new task
    tasks = (await api('{ customer(id: "m1") { tasks { title } } }'))["customer"]["tasks"]
    assert tasks == [{"title": "Call"}]  # m3's task, moved


async def test_bad_merges_write_nothing(api: Api, graph: Graph) -> None:
    await seed(graph)
    before = await snapshot(graph)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"into": "m1", "from": []}, "BAD_USER_INPUT", "from"),
        ({"into": "m1", "from": ["m2", "m1"]}, "BAD_USER_INPUT", "from[1]"),
        ({"into": "nobody", "from": ["m2"]}, "NOT_FOUND", "into"),
        ({"into": "m1", "from": ["m2", "nobody"]}, "NOT_FOUND", "from[1]"),
    ]
    for variables, code, field in cases:
        error = await api.error(MERGE, **variables)
        assert error["extensions"] == {"code": code, "field": field}, variables
        assert await snapshot(graph) == before, variables
    await api(MERGE, into="m1", **{"from": ["m2"]})
    # m2 now means m1: merging it into m1 is merging m1 into itself
    error = await api.error(MERGE, into="m1", **{"from": ["m2"]})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "from[0]"}
    assert (await api.as_role("viewer").errors(MERGE, into="m1", **{"from": ["m3"]}))[0][
        "extensions"]["code"] == "FORBIDDEN"  # fmt: skip


async def test_racing_merges_one_wins_nothing_lost(api: Api, graph: Graph) -> None:
    """m2 merged into m1 and into m3 at once: one merge wins, the other fails cleanly
    (m2 is gone, or means the winner's survivor), and every interaction is held once."""
    await seed(graph)
    results = await asyncio.gather(
        api.execute(MERGE, into="m1", **{"from": ["m2"]}),
        api.execute(MERGE, into="m3", **{"from": ["m2"]}),
    )
    ok = [r for r in results if not r.errors]
    assert len(ok) >= 1
    [counts] = await graph.run_text(
        "t", "MATCH (i:Interaction) RETURN count(i) AS interactions, "
        "sum(COUNT { (i)<-[:HAD]-() }) AS owners, COUNT { (:Customer) } AS customers"
    )  # fmt: skip
    assert counts["interactions"] == 3 and counts["owners"] == 3
    if len(ok) == 2:  # the second ran after the first: m2 meant m1 then, merged into m3
        assert counts["customers"] == 1
    else:
        [failed] = [r for r in results if r.errors]
        assert failed.errors and failed.errors[0].extensions["code"] in ("NOT_FOUND",)  # type: ignore[index]
        assert counts["customers"] == 2


async def test_imports_take_merged_ids_for_the_survivor(api: Api, graph: Graph) -> None:
    await seed(graph)
    await api(MERGE, into="m1", **{"from": ["m2"]})
    later: list[dict[str, Any]] = [
        {"kind": "customer", "id": "m2", "name": "张伟 (app)", "region": "华东"},
        {"kind": "interaction", "id": "x9", "customerId": "m2", "type": "PURCHASE",
         "productId": "p1", "amount": 1.0, "occurredAt": "2025-05-01T00:00:00Z"},
        {"kind": "tagAssignment", "customerId": "m2", "tag": "Late"},
        {"kind": "stage", "customerId": "m2", "stage": "LOYAL", "since": "2025-05-01T00:00:00Z"},
    ]  # fmt: skip
    report = await import_records(graph, (("u", n, line) for n, line in enumerate(later, 1)))
    assert report.ok and report.applied["customer"] == 1
    query = '{ customer(id: "m1") { name region totalSpend stage tags { name } } }'
    merged = (await api(query))["customer"]
    # the line updates the survivor: an upsert sets what it gives, its name included
    assert merged == {"name": "张伟 (app)", "region": "华东", "totalSpend": 16.5,
                      "stage": "LOYAL", "tags": [{"name": "App"}, {"name": "Late"},
                                                 {"name": "VIP"}]}  # fmt: skip
    [count] = await graph.run_text("t", "RETURN COUNT { (:Customer {id: 'm2'}) } AS n")
    assert count == {"n": 0}


async def test_traversals_take_merged_ids(api: Api, graph: Graph) -> None:
    await seed(graph)
    await api(MERGE, into="m1", **{"from": ["m3"]})
    data = await api(
        '{ customerMap(customerId: "m3", depth: 1) { nodes { id } } '
        'similarCustomers(customerId: "m3") { customer { id } } }'
    )
    assert "m1" in {node["id"] for node in data["customerMap"]["nodes"]}
    assert [s["customer"]["id"] for s in data["similarCustomers"]] == ["m2"]


async def test_search_finds_the_survivor_by_a_merged_id(api: Api, graph: Graph) -> None:
    await seed(graph)
    await api(MERGE, into="m1", **{"from": ["m3"]})
    found = await api('{ searchCustomers(query: "m3") { edges { node { id } } } }')
    assert found["searchCustomers"]["edges"] == [{"node": {"id": "m1"}}]
