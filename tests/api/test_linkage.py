"""Linkage rules and the tag event outbox on the shop (tests/api/conftest.py): each gain of a
tag fires each of its linkage rules exactly once, whatever the source, including many gains
at once, dispatchers racing, and events left pending by a process that died."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from graph import changes
from graph.db import Graph
from graph.ingest.importer import import_files
from graph.tags import events as tag_events
from tests.api.conftest import Api, snapshot

LINK = """
mutation ($input: LinkageRuleInput!) {
  createLinkageRule(input: $input) { id name whenTagAdded { name } action }
}
"""
TASKS = """
query ($id: ID!) { customer(id: $id) { owner tasks { title dueAt createdAt rule { name } } } }
"""
ASSIGN = "mutation ($id: ID!, $t: [String!]!) { assignTags(customerId: $id, tags: $t) { id } }"
REMOVE = "mutation ($id: ID!, $t: [String!]!) { removeTags(customerId: $id, tags: $t) { id } }"


async def link(api: Api, **input: Any) -> dict[str, Any]:
    rule: dict[str, Any] = (await api(LINK, input=input))["createLinkageRule"]
    return rule


async def tasks(api: Api, customer_id: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = (await api(TASKS, id=customer_id))["customer"]["tasks"]
    return result


async def owner(api: Api, customer_id: str) -> str | None:
    value: str | None = (await api(TASKS, id=customer_id))["customer"]["owner"]
    return value


async def test_a_task_for_each_gain_not_for_a_tag_already_held(api: Api, shop: Graph) -> None:
    rule = await link(
        api, name="Call risky", whenTagAdded="Risk", action="CREATE_TASK",
        taskTitle="回访客户", dueInDays=3,
    )  # fmt: skip
    assert rule["whenTagAdded"] == {"name": "Risk"} and rule["action"] == "CREATE_TASK"
    before = datetime.now(UTC)
    await api(ASSIGN, id="c1", t=["Risk"])
    [task] = await tasks(api, "c1")
    assert task["title"] == "回访客户" and task["rule"] == {"name": "Call risky"}
    created = datetime.fromisoformat(task["createdAt"])
    assert before - timedelta(seconds=1) <= created <= datetime.now(UTC)
    assert datetime.fromisoformat(task["dueAt"]) == created + timedelta(days=3)
    await api(ASSIGN, id="c1", t=["Risk", "VIP"])  # held already: no gain, no task
    assert len(await tasks(api, "c1")) == 1
    await api(REMOVE, id="c1", t=["Risk"])
    await api(ASSIGN, id="c1", t=["Risk"])  # a new gain
    assert len(await tasks(api, "c1")) == 2
    assert await tasks(api, "c2") == []


async def test_owners_round_robin_over_gains_from_a_rule_run(api: Api, shop: Graph) -> None:
    await link(api, name="Owners", whenTagAdded="Risk", action="ASSIGN_OWNER",
               owners=["Ann", "Ben"])  # fmt: skip
    await api(
        'mutation { createTagRule(name: "Buyers", tag: "Risk", '
        "definition: {minPurchaseCount: 1}) { id } }"
    )
    await api('mutation { runTagRules(asOf: "2025-03-10T00:00:00Z") { added } }')
    assert [await owner(api, c) for c in ("c1", "c2", "c3")] == ["Ann", "Ben", None]
    await api(ASSIGN, id="c3", t=["Risk"])
    assert await owner(api, "c3") == "Ann"


async def test_merge_gains_fire_the_target_rules_and_rules_move(api: Api, shop: Graph) -> None:
    await link(api, name="On risk", whenTagAdded="Risk", action="CREATE_TASK", taskTitle="看看")
    await link(api, name="On VIP", whenTagAdded="VIP", action="CREATE_TASK", taskTitle="贵宾")
    await api(ASSIGN, id="c3", t=["Risk"])
    await api('mutation { mergeTags(sources: ["Risk"], into: "VIP") { id } }')
    # c3 gained VIP by the merge; c1 and c2 held VIP already.
    assert [t["title"] for t in await tasks(api, "c3")] == ["看看", "贵宾"]
    assert await tasks(api, "c1") == []
    rules = (await api("{ linkageRules { name whenTagAdded { name } } }"))["linkageRules"]
    assert [r["whenTagAdded"]["name"] for r in rules] == ["VIP", "VIP"]


CUSTOMERS = """
UNWIND range(1, $n) AS n
CREATE (c:Customer {id: 'm' + right('000' + toString(n), 4), name: 'Many ' + n})
CREATE (c)-[:HAD]->(:Interaction {id: 'mi' + n, type: 'CALL', occurredAt: datetime($at)})
"""


async def test_a_rule_run_over_many_customers_fires_once_each(api: Api, shop: Graph) -> None:
    await shop.run_text("tests/many", CUSTOMERS, write=True, n=300, at="2025-03-01T00:00:00Z")
    await link(api, name="Task", whenTagAdded="Risk", action="CREATE_TASK", taskTitle="t")
    await api(
        'mutation { createTagRule(name: "Callers", tag: "Risk", '
        "definition: {interactionTypes: [CALL]}) { id } }"
    )
    runs = await api('mutation { runTagRules(asOf: "2025-03-10T00:00:00Z") { added } }')
    assert runs["runTagRules"] == [{"added": 301}]  # the 300 and c1
    counts = await shop.run_text(
        "tests/tasks",
        "MATCH (c:Customer) RETURN c.id AS id, COUNT { (c)-[:HAS_TASK]->() } AS tasks",
    )
    per_customer = {row["id"]: row["tasks"] for row in counts}
    assert sum(per_customer.values()) == 301
    assert per_customer["c1"] == 1 and per_customer["c2"] == 0 and per_customer["m0300"] == 1
    before = await snapshot(shop)
    await api('mutation { runTagRules(asOf: "2025-03-10T00:00:00Z") { added } }')
    assert await tag_events.dispatch(shop) == 0
    after = await snapshot(shop)
    assert len(after["nodes"]) == len(before["nodes"])  # no new tasks or events


PENDING = """
UNWIND range(1, $n) AS n
MATCH (t:Tag {name: 'Risk'})
CREATE (c:Customer {id: 'p' + right('000' + toString(n), 4), name: 'P'})-[:HAS_TAG {
  source: 'IMPORT', assignedAt: datetime()}]->(t)
CREATE (:TagEvent:PendingTagEvent {change: 'ADDED', source: 'IMPORT', at: datetime(),
                                   customerId: c.id, tagId: t.id, tagName: t.name})
"""


async def test_pending_events_left_by_a_dead_process_fire_once_under_racing_dispatchers(
    api: Api, shop: Graph
) -> None:
    await link(api, name="Task", whenTagAdded="Risk", action="CREATE_TASK", taskTitle="t")
    # Changes committed with their events, then the writer died before dispatching.
    await shop.run_text("tests/pending", PENDING, write=True, n=1200)
    done = await asyncio.gather(*(tag_events.dispatch(shop, batch=100) for _ in range(3)))
    assert sum(done) == 1200
    rows = await shop.run_text(
        "tests/fired",
        "MATCH (e:Change) WITH collect(e.seq) AS seqs, count(e:TagEvent OR null) AS tagEvents "
        "MATCH (:Customer)-[:HAS_TASK]->(t:Task) "
        "RETURN seqs, tagEvents, count(t) AS tasks, count(DISTINCT t.eventSeq) AS distinctEvents",
    )
    assert rows[0]["tasks"] == rows[0]["distinctEvents"] == rows[0]["tagEvents"] == 1200
    # one number each, no gaps: the 1,200 tag events and the 1,200 task changes they fired
    assert sorted(rows[0]["seqs"]) == list(range(1, 2401))
    assert await tag_events.dispatch(shop) == 0


async def test_events_read_in_order_with_their_source(api: Api, shop: Graph) -> None:
    start = await tag_events.last_seq(shop)
    await api(ASSIGN, id="c3", t=["Risk", "VIP"])
    await api(REMOVE, id="c1", t=["Gold"])
    events = [e for e in await changes.after(shop, start) if e["kind"].startswith("TAG_")]
    seen = [(e["customerId"], e["tagName"], e["change"], e["source"]) for e in events]
    assert seen == [
        ("c3", "Risk", "ADDED", "MANUAL"),
        ("c3", "VIP", "ADDED", "MANUAL"),
        ("c1", "Gold", "REMOVED", "IMPORT"),  # the assignment's own source
    ]
    assert [e["seq"] for e in events] == list(range(start + 1, start + 4))


@pytest.mark.parametrize(
    ("input", "message"),
    [
        ({"whenTagAdded": "Nope", "action": "CREATE_TASK", "taskTitle": "t"},
         "input.whenTagAdded: unknown tag 'Nope'"),
        ({"whenTagAdded": "Risk", "action": "CREATE_TASK"},
         "input.taskTitle: CREATE_TASK needs a task title"),
        ({"whenTagAdded": "Risk", "action": "CREATE_TASK", "taskTitle": "t", "dueInDays": -1},
         "input.dueInDays: must be between 0 and 36600, got -1"),
        ({"whenTagAdded": "Risk", "action": "ASSIGN_OWNER", "owners": []},
         "input.owners: ASSIGN_OWNER needs at least one owner"),
        ({"whenTagAdded": "Risk", "action": "ASSIGN_OWNER", "owners": ["a"], "taskTitle": "t"},
         "input.taskTitle: applies to CREATE_TASK only"),
        ({"whenTagAdded": "Risk", "action": "ASSIGN_OWNER", "owners": ["a", " "]},
         "input.owners[1]: must not be empty"),
        ({"name": "Taken", "whenTagAdded": "Risk", "action": "ASSIGN_OWNER", "owners": ["a"]},
         "input.name: a linkage rule named 'Taken' already exists"),
    ],
)  # fmt: skip
async def test_bad_linkage_rules_write_nothing(
    api: Api, shop: Graph, input: dict[str, Any], message: str
) -> None:
    await link(api, name="Taken", whenTagAdded="VIP", action="ASSIGN_OWNER", owners=["x"])
    before = await snapshot(shop)
    error = await api.error(LINK, input={"name": "New"} | input)
    assert (error["message"], error["extensions"]["code"]) == (message, "BAD_USER_INPUT")
    assert await snapshot(shop) == before


async def test_imported_gains_fire_and_aliases_and_deprecation_apply(
    api: Api, shop: Graph, tmp_path: Path
) -> None:
    await link(api, name="Task", whenTagAdded="Risk", action="CREATE_TASK", taskTitle="t")
    await api('mutation { renameTag(name: "Risk", newName: "风险") { id } }')
    lines = [
        {"kind": "tagAssignment", "customerId": "c2", "tag": "Risk"},  # the alias
        {"kind": "tagAssignment", "customerId": "c3", "tag": "风险"},
        {"kind": "tagAssignment", "customerId": "c1", "tag": "Old"},  # deprecated
        {"kind": "tag", "name": "Risk", "description": "may churn"},  # updates 风险
    ]
    path = tmp_path / "tags.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    report = await import_files(shop, [path])
    assert [(r.line, r.reason) for r in report.rejections] == [
        (3, "tag: tag 'Old' is deprecated and cannot be assigned")
    ]
    assert report.events == 2
    assert [t["title"] for t in await tasks(api, "c2")] == ["t"]
    assert [t["title"] for t in await tasks(api, "c3")] == ["t"]
    tag = (await api('{ tag(name: "风险") { description customerCount } }'))["tag"]
    assert tag == {"description": "may churn", "customerCount": 2}
    names = await api("{ tags(includeDeprecated: true) { name } }")
    assert "Risk" not in [t["name"] for t in names["tags"]]  # no new tag under the old name
    again = await import_files(shop, [path])
    assert again.events == 0  # nothing new: no event, no task
    assert len(await tasks(api, "c2")) == 1
