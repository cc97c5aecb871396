"""A customer's history: Customer.timeline, Customer.tags(asOf:), and the writes that keep it
(tag events with their actor, stage spans with theirs, profile and owner changes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graph.db import Graph, counting_round_trips
from graph.ingest.importer import import_records
from graph.tags import events as tag_events
from tests.api.conftest import Api

TIMELINE = """
query ($id: ID!, $first: Int, $after: String, $kinds: [TimelineKind!]) {
  customer(id: $id) {
    timeline(first: $first, after: $after, kinds: $kinds) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { at kind summary actor source stage
                     interaction { id type } tag { name } task { title } } }
    }
  }
}
"""


def items(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in data["customer"]["timeline"]["edges"]]


def brief(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(at, kind, summary) of each item."""
    return [(item["at"], item["kind"], item["summary"]) for item in items(data)]


async def test_the_shop_timeline_newest_first(api: Api, shop: Graph) -> None:
    """Interactions and stage spans of c1 (the shop's tags were written without events, so
    they are not on it), ties by kind then id."""
    data = await api(TIMELINE, id="c1")
    assert brief(data) == [
        ("2025-03-05T00:00:00Z", "INTERACTION", "PURCHASE Tea ¥10.50"),
        ("2025-03-05T00:00:00Z", "STAGE_CHANGED", "Stage LOYAL entered"),
        ("2025-03-01T08:00:00Z", "INTERACTION", "CALL via phone"),
        ("2025-02-01T10:00:00Z", "INTERACTION", "PURCHASE Cup ¥4.00 via store"),
        ("2025-02-01T10:00:00Z", "INTERACTION", "VIEW Pot via web"),
        ("2025-01-01T10:00:00Z", "INTERACTION", "PURCHASE Tea ¥21.00 via web"),
        ("2024-12-01T09:30:00Z", "STAGE_CHANGED", "Stage NEW entered"),
    ]
    assert data["customer"]["timeline"]["totalCount"] == 7
    first = items(data)[0]
    assert first["interaction"] == {"id": "i5", "type": "PURCHASE"} and first["actor"] == "import"
    assert items(data)[1]["stage"] == "LOYAL"


async def test_pages_by_keyset_and_filters_by_kind(api: Api, shop: Graph) -> None:
    whole = brief(await api(TIMELINE, id="c1"))
    seen: list[tuple[str, str, str]] = []
    after = None
    for _ in range(4):
        data = await api(TIMELINE, id="c1", first=3, after=after)
        seen += brief(data)
        info = data["customer"]["timeline"]["pageInfo"]
        assert data["customer"]["timeline"]["totalCount"] == 7
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == whole
    stages = await api(TIMELINE, id="c1", kinds=["STAGE_CHANGED"])
    assert [item["stage"] for item in items(stages)] == ["LOYAL", "NEW"]
    assert stages["customer"]["timeline"]["totalCount"] == 2


async def test_mutations_are_on_the_timeline_with_their_actor(api: Api, shop: Graph) -> None:
    alice = api.as_role("admin", subject="alice")
    await alice('mutation { assignTags(customerId: "c2", tags: ["Risk"]) { id } }')
    await alice('mutation { removeTags(customerId: "c2", tags: ["Risk", "VIP"]) { id } }')
    await alice('mutation { setStage(customerId: "c2", stage: AT_RISK) { id } }')
    await alice('mutation { upsertCustomer(input: {id: "c2", name: "Bob", city: "Xian"}) { id } }')
    await alice('mutation { upsertCustomer(input: {id: "c2", name: "Bob", city: "Xian"}) { id } }')
    kinds = ["TAG_ADDED", "TAG_REMOVED", "STAGE_CHANGED", "PROFILE_UPDATED"]
    data = await api(TIMELINE, id="c2", kinds=kinds)
    got = sorted((i["kind"], i["summary"], i["actor"], i["source"]) for i in items(data))
    assert got == [
        ("PROFILE_UPDATED", "Profile updated: city by alice", "alice", None),
        ("STAGE_CHANGED", "Stage ACTIVE entered", None, None),
        ("STAGE_CHANGED", "Stage AT_RISK entered by alice", "alice", None),
        ("TAG_ADDED", "标签 Risk added by alice", "alice", "MANUAL"),
        ("TAG_REMOVED", "标签 Risk removed by alice", "alice", "MANUAL"),
        # the shop wrote VIP without a source of its own: removed as IMPORT, by alice
        ("TAG_REMOVED", "标签 VIP removed by import", "alice", "IMPORT"),
    ]
    # newest first: the profile update came last
    assert items(data)[0]["kind"] == "PROFILE_UPDATED"
    assert {item["tag"]["name"] for item in items(data) if item["tag"]} == {"Risk", "VIP"}


async def test_imports_rules_and_linkage_are_on_the_timeline(api: Api, graph: Graph) -> None:
    lines: list[dict[str, Any]] = [
        {"kind": "customer", "id": "k1", "name": "甲", "city": "北京"},
        {"kind": "tag", "name": "大客户"},
        {"kind": "tagAssignment", "customerId": "k1", "tag": "老客户",
         "assignedAt": "2024-05-01T00:00:00Z"},
        {"kind": "stage", "customerId": "k1", "stage": "NEW", "since": "2024-05-01T00:00:00Z"},
    ]  # fmt: skip
    first = datetime(2025, 1, 1, tzinfo=UTC)
    await import_records(graph, (("a", n, line) for n, line in enumerate(lines, 1)), now=first)
    await api(
        'mutation { createLinkageRule(input: {name: "分配", whenTagAdded: "大客户", '
        'action: ASSIGN_OWNER, owners: ["王经理"]}) { id } }'
    )
    await api(
        'mutation { createLinkageRule(input: {name: "回访规则", whenTagAdded: "大客户", '
        'action: CREATE_TASK, taskTitle: "回访"}) { id } }'
    )
    moved = [
        {"kind": "customer", "id": "k1", "name": "甲", "city": "上海"},
        {"kind": "tagAssignment", "customerId": "k1", "tag": "大客户"},
    ]
    await import_records(graph, (("b", n, line) for n, line in enumerate(moved, 1)))
    await tag_events.dispatch(graph)
    data = await api(TIMELINE, id="k1")
    rules = {
        rule["name"]: rule["id"]
        for rule in (await api("{ linkageRules { id name } }"))["linkageRules"]
    }
    assert sorted((i["kind"], i["summary"], i["actor"]) for i in items(data)[:4]) == [
        ("OWNER_CHANGED", "Owner set to 王经理 by rule 分配", f"rule:{rules['分配']}"),
        ("PROFILE_UPDATED", "Profile updated: city by import", "import"),
        ("TAG_ADDED", "标签 大客户 added by import", "import"),
        ("TASK_CREATED", "Task 回访 created by linkage rule 回访规则", f"rule:{rules['回访规则']}"),
    ]
    assert [(i["at"], i["kind"], i["summary"], i["actor"]) for i in items(data)[4:]] == [
        ("2024-05-01T00:00:00Z", "TAG_ADDED", "标签 老客户 added by import", "import"),
        ("2024-05-01T00:00:00Z", "STAGE_CHANGED", "Stage NEW entered by import", "import"),
    ]


ASOF = "query ($id: ID!, $asOf: DateTime) { customer(id: $id) { tags(asOf: $asOf) { name } } }"


async def test_tags_as_of_replay_the_events(api: Api, graph: Graph) -> None:
    """Held at a moment: the last event at or before it decides; an imported assignment counts
    from its assignedAt, or its import when it had none."""
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    lines: list[dict[str, Any]] = [
        {"kind": "customer", "id": "k1", "name": "甲"},
        {"kind": "tagAssignment", "customerId": "k1", "tag": "老客户",
         "assignedAt": "2024-05-01T00:00:00Z"},
        {"kind": "tagAssignment", "customerId": "k1", "tag": "新品"},  # counts from t0
    ]  # fmt: skip
    await import_records(graph, (("a", n, line) for n, line in enumerate(lines, 1)), now=t0)
    await api('mutation { removeTags(customerId: "k1", tags: ["老客户"]) { id } }')
    removed_at = datetime.now(UTC)
    await api('mutation { assignTags(customerId: "k1", tags: ["老客户"]) { id } }')

    async def held(moment: str | None) -> list[str]:
        data = await api(ASOF, id="k1", asOf=moment)
        return [tag["name"] for tag in data["customer"]["tags"]]

    assert await held("2024-04-30T00:00:00Z") == []
    assert await held("2024-05-01T00:00:00Z") == ["老客户"]
    assert await held("2024-12-31T23:59:59Z") == ["老客户"]
    assert await held("2025-01-01T00:00:00Z") == ["新品", "老客户"]
    assert await held(None) == ["新品", "老客户"]
    # between the removal and the new assignment (milliseconds apart): look it up exactly
    [event] = await graph.run_text("t", "MATCH (e:TagEvent {change: 'REMOVED'}) RETURN e.at AS at")
    assert event["at"] <= removed_at
    assert await held(event["at"].isoformat()) == ["新品"]


async def test_tags_as_of_for_tags_without_events_and_merged_tags(api: Api, shop: Graph) -> None:
    # the shop's assignments have no events and no assignedAt: held at any moment
    assert [t["name"] for t in (await api(ASOF, id="c1", asOf="2000-01-01T00:00:00Z"))[
        "customer"]["tags"]] == ["Gold", "VIP"]  # fmt: skip
    await api('mutation { assignTags(customerId: "c2", tags: ["Risk"]) { id } }')
    await api('mutation { mergeTags(sources: ["Risk"], into: "Gold") { name } }')
    now = datetime.now(UTC).isoformat()
    # Risk is an alias of Gold now: what c2 held is answered as Gold, once
    assert [t["name"] for t in (await api(ASOF, id="c2", asOf=now))["customer"]["tags"]] == [
        "Gold",
        "VIP",
    ]


async def test_a_page_with_timelines_and_past_tags_is_one_round_trip(api: Api, shop: Graph) -> None:
    with counting_round_trips() as counter:
        data = await api(
            "{ customers(first: 10) { edges { node { id "
            "  timeline(first: 2) { totalCount edges { node { kind } } } "
            '  tags(asOf: "2025-01-01T00:00:00Z") { name } } } } }'
        )
    assert counter.count == 1
    nodes = [edge["node"] for edge in data["customers"]["edges"]]
    assert [node["timeline"]["totalCount"] for node in nodes] == [7, 3, 0]
    assert [len(node["tags"]) for node in nodes] == [2, 1, 1]


async def test_a_timeline_after_a_mutation_reads_through_loaders(api: Api, shop: Graph) -> None:
    data = await api(
        'mutation { setStage(customerId: "c3", stage: NEW) { '
        'timeline { totalCount edges { node { kind stage } } } tags(asOf: "2000-01-01T00:00:00Z") '
        "{ name } } }"
    )
    assert data["setStage"]["timeline"] == {
        "totalCount": 1,
        "edges": [{"node": {"kind": "STAGE_CHANGED", "stage": "NEW"}}],
    }
    assert data["setStage"]["tags"] == [{"name": "Old"}]


async def test_timeline_bad_input_and_unknown_customer(api: Api, shop: Graph) -> None:
    error = await api.error(TIMELINE, id="c1", after="not-a-cursor")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "after"
    other = (await api("{ customers(first: 1) { pageInfo { endCursor } } }"))["customers"]
    error = await api.error(TIMELINE, id="c1", after=other["pageInfo"]["endCursor"])
    assert error["extensions"]["field"] == "after"
    assert (await api(TIMELINE, id="nobody")) == {"customer": None}
