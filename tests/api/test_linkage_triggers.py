"""Linkage rules beyond "a tag was added": TAG_REMOVED and STAGE_ENTERED triggers, and rules
redefined, disabled and deleted (../shared/contract/service.graphql), on the shop
(tests/api/conftest.py: c1 is LOYAL, c2 ACTIVE, c3 has no stage; c1 and c2 hold VIP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.db import Graph
from graph.ingest.importer import import_files
from tests.api.conftest import Api, snapshot

RULE = "id name trigger tag { name } whenTagAdded { name } stage action enabled"
CREATE = f"mutation ($input: LinkageRuleInput!) {{ createLinkageRule(input: $input) {{ {RULE} }} }}"
UPDATE = f"""
mutation ($id: ID!, $input: LinkageRuleInput!) {{
  updateLinkageRule(id: $id, input: $input) {{ {RULE} }}
}}
"""
ENABLE = f"""
mutation ($id: ID!, $on: Boolean!) {{ setLinkageRuleEnabled(id: $id, enabled: $on) {{ {RULE} }} }}
"""
DELETE = "mutation ($id: ID!) { deleteLinkageRule(id: $id) }"
TASKS = "query ($id: ID!) { customer(id: $id) { owner tasks { title rule { name } } } }"
ASSIGN = "mutation ($id: ID!, $t: [String!]!) { assignTags(customerId: $id, tags: $t) { id } }"
REMOVE = "mutation ($id: ID!, $t: [String!]!) { removeTags(customerId: $id, tags: $t) { id } }"
STAGE = (
    "mutation ($id: ID!, $s: LifecycleStageName!) { setStage(customerId: $id, stage: $s) { id } }"
)


async def create(api: Api, **input: Any) -> dict[str, Any]:
    rule: dict[str, Any] = (await api(CREATE, input=input))["createLinkageRule"]
    return rule


async def titles(api: Api, customer_id: str) -> list[str]:
    tasks = (await api(TASKS, id=customer_id))["customer"]["tasks"]
    return [task["title"] for task in tasks]


async def test_a_tag_lost_fires_a_tag_removed_rule_only(api: Api, shop: Graph) -> None:
    rule = await create(
        api, name="Win back", trigger="TAG_REMOVED", tag="VIP", action="CREATE_TASK",
        taskTitle="挽回",
    )  # fmt: skip
    assert rule | {"id": None} == {
        "id": None, "name": "Win back", "trigger": "TAG_REMOVED", "tag": {"name": "VIP"},
        "whenTagAdded": None, "stage": None, "action": "CREATE_TASK", "enabled": True,
    }  # fmt: skip
    await api(ASSIGN, id="c3", t=["VIP"])  # a gain: not this rule's trigger
    assert await titles(api, "c3") == []
    await api(REMOVE, id="c1", t=["VIP", "Risk"])  # lost VIP; Risk was not held: no loss
    await api(REMOVE, id="c1", t=["VIP"])  # not held any more: no loss
    assert await titles(api, "c1") == ["挽回"]
    await api(REMOVE, id="c3", t=["VIP"])
    assert await titles(api, "c3") == ["挽回"]
    assert await titles(api, "c2") == []


async def test_entering_a_stage_fires_a_stage_entered_rule(api: Api, shop: Graph) -> None:
    rule = await create(
        api, name="Owner for the at-risk", trigger="STAGE_ENTERED", stage="AT_RISK",
        action="ASSIGN_OWNER", owners=["王", "李"],
    )  # fmt: skip
    assert (rule["trigger"], rule["stage"], rule["tag"], rule["whenTagAdded"]) == (
        "STAGE_ENTERED", "AT_RISK", None, None,
    )  # fmt: skip
    await api(STAGE, id="c1", s="AT_RISK")
    await api(STAGE, id="c1", s="AT_RISK")  # already there: no move, no firing
    await api(STAGE, id="c2", s="CHURNED")  # another stage
    await api(STAGE, id="c3", s="AT_RISK")
    owners = [(await api(TASKS, id=c))["customer"]["owner"] for c in ("c1", "c2", "c3")]
    assert owners == ["王", None, "李"]


async def test_whentagadded_and_tag_say_the_same(api: Api, shop: Graph) -> None:
    both = await create(
        api, name="Both", whenTagAdded="Risk", tag="Risk", action="CREATE_TASK", taskTitle="b"
    )
    only_tag = await create(api, name="Tag", tag="Risk", action="CREATE_TASK", taskTitle="t")
    for rule in (both, only_tag):
        assert (rule["trigger"], rule["tag"], rule["whenTagAdded"]) == (
            "TAG_ADDED", {"name": "Risk"}, {"name": "Risk"},
        )  # fmt: skip
    await api(ASSIGN, id="c2", t=["Risk"])
    assert sorted(await titles(api, "c2")) == ["b", "t"]


async def test_a_redefined_rule_fires_for_its_new_trigger(api: Api, shop: Graph) -> None:
    rule = await create(api, name="Call", whenTagAdded="Risk", action="CREATE_TASK", taskTitle="a")
    updated = (
        await api(
            UPDATE, id=rule["id"],
            input={"name": "Call VIPs", "tag": "VIP", "action": "CREATE_TASK", "taskTitle": "b"},
        )
    )["updateLinkageRule"]  # fmt: skip
    assert (updated["id"], updated["name"], updated["tag"]) == (
        rule["id"], "Call VIPs", {"name": "VIP"},
    )  # fmt: skip
    await api(ASSIGN, id="c3", t=["Risk", "VIP"])
    tasks = (await api(TASKS, id="c3"))["customer"]["tasks"]
    assert tasks == [{"title": "b", "rule": {"name": "Call VIPs"}}]
    # to a stage, with another action: the tag relationship goes
    await api(
        UPDATE, id=rule["id"],
        input={"name": "Call VIPs", "trigger": "STAGE_ENTERED", "stage": "NEW",
               "action": "ASSIGN_OWNER", "owners": ["x"]},
    )  # fmt: skip
    rows = await shop.run_text(
        "tests/rule", "MATCH (r:LinkageRule)-[w]->() RETURN count(w) AS rels, r.taskTitle AS title"
    )
    assert rows == []  # no relationship left, and the old action's fields are gone
    props = await shop.run_text(
        "tests/rule", "MATCH (r:LinkageRule) RETURN r.taskTitle AS title, r.owners AS owners"
    )
    assert props == [{"title": None, "owners": ["x"]}]
    await api(STAGE, id="c3", s="NEW")
    assert (await api(TASKS, id="c3"))["customer"]["owner"] == "x"


async def test_a_disabled_rule_fires_for_nothing_until_enabled(api: Api, shop: Graph) -> None:
    rule = await create(api, name="Call", whenTagAdded="Risk", action="CREATE_TASK", taskTitle="t")
    off = (await api(ENABLE, id=rule["id"], on=False))["setLinkageRuleEnabled"]
    assert off["enabled"] is False
    await api(ASSIGN, id="c1", t=["Risk"])
    assert await titles(api, "c1") == []
    # a change made while it was off, dispatched after it is on again, does not fire either
    await shop.run_text(
        "tests/pending",
        "MATCH (c:Customer {id: 'c2'}), (t:Tag {name: 'Risk'}) "
        "CREATE (c)-[:HAS_TAG {source: 'MANUAL', assignedAt: datetime()}]->(t) "
        "CREATE (:TagEvent:PendingTagEvent {change: 'ADDED', source: 'MANUAL', at: datetime(), "
        "customerId: c.id, tagId: t.id, tagName: t.name})",
        write=True,
    )
    on = (await api(ENABLE, id=rule["id"], on=True))["setLinkageRuleEnabled"]
    assert on["enabled"] is True
    await api(ASSIGN, id="c3", t=["Risk"])
    assert [await titles(api, c) for c in ("c1", "c2", "c3")] == [[], [], ["t"]]
    rules = (await api("{ linkageRules { name enabled } }"))["linkageRules"]
    assert rules == [{"name": "Call", "enabled": True}]


async def test_a_deleted_rule_is_gone_and_its_tasks_stay(api: Api, shop: Graph) -> None:
    rule = await create(api, name="Call", whenTagAdded="Risk", action="CREATE_TASK", taskTitle="t")
    await api(ASSIGN, id="c1", t=["Risk"])
    assert (await api(DELETE, id=rule["id"])) == {"deleteLinkageRule": True}
    assert (await api("{ linkageRules { id } }")) == {"linkageRules": []}
    tasks = (await api(TASKS, id="c1"))["customer"]["tasks"]
    assert tasks == [{"title": "t", "rule": None}]
    history = await api(
        '{ customer(id: "c1") { timeline(kinds: [TASK_CREATED]) { edges { node { actor } } } } }'
    )
    actors = [e["node"]["actor"] for e in history["customer"]["timeline"]["edges"]]
    assert actors == [f"rule:{rule['id']}"]  # who made it, after the rule is gone
    await api(REMOVE, id="c1", t=["Risk"])
    await api(ASSIGN, id="c1", t=["Risk"])  # nothing fires any more
    assert await titles(api, "c1") == ["t"]
    error = await api.error(DELETE, id=rule["id"])
    assert (error["message"], error["extensions"]["code"]) == (
        f"id: linkage rule not found: {rule['id']!r}", "NOT_FOUND",
    )  # fmt: skip


BAD = [
    ({"trigger": "TAG_REMOVED", "action": "CREATE_TASK", "taskTitle": "t"},
     "input.tag: TAG_REMOVED needs a tag"),
    ({"action": "CREATE_TASK", "taskTitle": "t"}, "input.tag: TAG_ADDED needs a tag"),
    ({"trigger": "STAGE_ENTERED", "action": "CREATE_TASK", "taskTitle": "t"},
     "input.stage: STAGE_ENTERED needs a stage"),
    ({"trigger": "STAGE_ENTERED", "stage": "NEW", "tag": "VIP", "action": "CREATE_TASK",
      "taskTitle": "t"}, "input.tag: applies to TAG_ADDED and TAG_REMOVED only"),
    ({"tag": "VIP", "stage": "NEW", "action": "CREATE_TASK", "taskTitle": "t"},
     "input.stage: applies to STAGE_ENTERED only"),
    ({"trigger": "TAG_REMOVED", "whenTagAdded": "VIP", "action": "CREATE_TASK", "taskTitle": "t"},
     "input.whenTagAdded: applies to TAG_ADDED only"),
    ({"whenTagAdded": "VIP", "tag": "Risk", "action": "CREATE_TASK", "taskTitle": "t"},
     "input.tag: whenTagAdded names another tag ('VIP')"),
    ({"trigger": "TAG_REMOVED", "tag": "Nope", "action": "CREATE_TASK", "taskTitle": "t"},
     "input.tag: unknown tag 'Nope'"),
    ({"tag": "VIP", "action": "CALL_WEBHOOK"},
     "input.webhookUrl: CALL_WEBHOOK needs a webhook URL"),
    ({"tag": "VIP", "action": "CALL_WEBHOOK", "webhookUrl": "ftp://example.com/hook"},
     "input.webhookUrl: must be an http(s) URL with a host, got 'ftp://example.com/hook'"),
    ({"tag": "VIP", "action": "CALL_WEBHOOK", "webhookUrl": "javascript:alert(1)"},
     "input.webhookUrl: must be an http(s) URL with a host, got 'javascript:alert(1)'"),
    ({"tag": "VIP", "action": "CALL_WEBHOOK", "webhookUrl": "https://"},
     "input.webhookUrl: must be an http(s) URL with a host, got 'https://'"),
    ({"tag": "VIP", "action": "CALL_WEBHOOK", "webhookUrl": "http://x:99999/"},
     "input.webhookUrl: must be an http(s) URL with a host, got 'http://x:99999/'"),
    ({"tag": "VIP", "action": "CALL_WEBHOOK", "webhookUrl": "http://a b/"},
     "input.webhookUrl: must be an http(s) URL with a host, got 'http://a b/'"),
    ({"tag": "VIP", "action": "CALL_WEBHOOK", "webhookUrl": "https://x/" + "a" * 2048},
     "input.webhookUrl: at most 2048 characters, got 2058"),
    ({"tag": "VIP", "action": "CALL_WEBHOOK", "webhookUrl": "https://x/", "taskTitle": "t"},
     "input.taskTitle: applies to CREATE_TASK only"),
    ({"tag": "VIP", "action": "CREATE_TASK", "taskTitle": "t", "webhookUrl": "https://x/"},
     "input.webhookUrl: applies to CALL_WEBHOOK only"),
    ({"tag": "VIP", "action": "ASSIGN_OWNER", "owners": ["a"], "webhookUrl": "https://x/"},
     "input.webhookUrl: applies to CALL_WEBHOOK only"),
]  # fmt: skip


@pytest.mark.parametrize(("input", "message"), BAD)
async def test_bad_rules_are_refused_by_create_and_update_and_write_nothing(
    api: Api, shop: Graph, input: dict[str, Any], message: str
) -> None:
    rule = await create(api, name="Kept", whenTagAdded="VIP", action="ASSIGN_OWNER", owners=["x"])
    before = await snapshot(shop)
    error = await api.error(CREATE, input={"name": "New"} | input)
    assert (error["message"], error["extensions"]["code"]) == (message, "BAD_USER_INPUT")
    error = await api.error(UPDATE, id=rule["id"], input={"name": "Kept"} | input)
    assert (error["message"], error["extensions"]["code"]) == (message, "BAD_USER_INPUT")
    assert await snapshot(shop) == before


async def test_update_refuses_a_taken_name_and_an_unknown_rule(api: Api, shop: Graph) -> None:
    await create(api, name="A", whenTagAdded="VIP", action="ASSIGN_OWNER", owners=["x"])
    b = await create(api, name="B", whenTagAdded="VIP", action="ASSIGN_OWNER", owners=["x"])
    before = await snapshot(shop)
    same = {"whenTagAdded": "Risk", "action": "ASSIGN_OWNER", "owners": ["y"]}
    error = await api.error(UPDATE, id=b["id"], input={"name": "A"} | same)
    assert (error["message"], error["extensions"]["code"]) == (
        "input.name: a linkage rule named 'A' already exists", "BAD_USER_INPUT",
    )  # fmt: skip
    for document, variables in (
        (UPDATE, {"input": {"name": "C"} | same}),
        (ENABLE, {"on": False}),
        (DELETE, {}),
    ):
        error = await api.error(document, id="link-nope", **variables)
        assert (error["message"], error["extensions"]["code"]) == (
            "id: linkage rule not found: 'link-nope'", "NOT_FOUND",
        )  # fmt: skip
    assert await snapshot(shop) == before
    kept = await api(UPDATE, id=b["id"], input={"name": "B"} | same)  # its own name: fine
    assert kept["updateLinkageRule"]["tag"] == {"name": "Risk"}


async def test_an_imported_stage_move_fires_stage_entered(
    api: Api, shop: Graph, tmp_path: Path
) -> None:
    await create(
        api, name="Welcome", trigger="STAGE_ENTERED", stage="NEW", action="CREATE_TASK",
        taskTitle="欢迎",
    )  # fmt: skip
    lines = [
        {"kind": "stage", "customerId": "c3", "stage": "NEW", "since": "2026-01-01T00:00:00Z"},
        {"kind": "stage", "customerId": "c2", "stage": "LOYAL", "since": "2026-01-01T00:00:00Z"},
    ]
    path = tmp_path / "stages.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    report = await import_files(shop, [path])
    assert report.rejections == []
    assert [await titles(api, c) for c in ("c1", "c2", "c3")] == [[], [], ["欢迎"]]
    await import_files(shop, [path])  # already there: no move, no second task
    assert await titles(api, "c3") == ["欢迎"]
