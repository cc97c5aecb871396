"""The work queue: createTask, updateTask, Query.tasks (by dueAt, none last, then id)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graph.db import Graph
from tests.api.conftest import Api, every_page, snapshot

CREATE = """
mutation ($c: ID!, $t: String!, $d: DateTime, $a: String) {
  createTask(customerId: $c, title: $t, dueAt: $d, assignee: $a) {
    id title status assignee dueAt completedAt customer { id }
  }
}
"""
UPDATE = """
mutation ($id: ID!, $s: TaskStatus, $a: String, $d: DateTime, $t: String) {
  updateTask(id: $id, status: $s, assignee: $a, dueAt: $d, title: $t) {
    id title status assignee dueAt completedAt
  }
}
"""
QUEUE = """
query ($s: [TaskStatus!], $a: String, $d: DateTime, $first: Int, $after: String) {
  tasks(status: $s, assignee: $a, dueBefore: $d, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { title status } }
  }
}
"""


async def make(api: Api, title: str, due: str | None, assignee: str | None = "li") -> str:
    data = await api(CREATE, c="c1", t=title, d=due, a=assignee)
    task_id: str = data["createTask"]["id"]
    return task_id


def titles(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["title"] for edge in data["tasks"]["edges"]]


async def test_a_queue_by_due_time_filtered_and_paged(api: Api, shop: Graph) -> None:
    created = await api(CREATE, c="c1", t=" 回访 ", d="2026-12-03T09:00:00Z", a="li")
    assert created["createTask"] == {
        "id": created["createTask"]["id"], "title": "回访", "status": "OPEN", "assignee": "li",
        "dueAt": "2026-12-03T09:00:00Z", "completedAt": None, "customer": {"id": "c1"},
    }  # fmt: skip
    await make(api, "寄样品", "2026-12-01T09:00:00Z")
    await make(api, "someday", None)
    await make(api, "王's call", "2026-12-02T09:00:00Z", assignee="wang")
    assert titles(await api(QUEUE)) == ["寄样品", "王's call", "回访", "someday"]
    assert titles(await api(QUEUE, a="li", d="2026-12-04T00:00:00Z")) == ["寄样品", "回访"]
    seen: list[str] = []
    after = None
    while True:
        page = await api(QUEUE, first=1, after=after)
        seen += titles(page)
        assert page["tasks"]["totalCount"] == 4
        if not page["tasks"]["pageInfo"]["hasNextPage"]:
            break
        after = page["tasks"]["pageInfo"]["endCursor"]
    assert seen == ["寄样品", "王's call", "回访", "someday"]


async def test_done_stamps_and_reopening_clears(api: Api, shop: Graph) -> None:
    task = await make(api, "回访", "2026-12-03T09:00:00Z")
    before = datetime.now(UTC)
    done = (await api(UPDATE, id=task, s="DONE"))["updateTask"]
    assert done["status"] == "DONE" and done["assignee"] == "li"
    assert datetime.fromisoformat(done["completedAt"]) >= before.replace(microsecond=0)
    again = (await api(UPDATE, id=task, t="回访客户"))["updateTask"]
    assert again["completedAt"] == done["completedAt"]  # still DONE: unchanged
    reopened = (await api(UPDATE, id=task, s="OPEN", a=None, d=None))["updateTask"]
    assert reopened == {"id": task, "title": "回访客户", "status": "OPEN", "assignee": None,
                        "dueAt": None, "completedAt": None}  # fmt: skip
    assert titles(await api(QUEUE, s=["DONE"])) == []
    await api(UPDATE, id=task, s="CANCELLED")
    assert titles(await api(QUEUE, s=["CANCELLED"])) == ["回访客户"]


async def test_linkage_tasks_are_ordinary_tasks(api: Api, shop: Graph) -> None:
    await api(
        'mutation { createLinkageRule(input: {name: "r", whenTagAdded: "Risk", '
        'action: CREATE_TASK, taskTitle: "Call"}) { id } }'
    )
    await api('mutation { assignTags(customerId: "c2", tags: ["Risk"]) { id } }')
    queue = await api(
        "{ tasks { edges { node { id title status customer { id } rule { name } } } } }"
    )
    [task] = [edge["node"] for edge in queue["tasks"]["edges"]]
    assert (task["title"], task["status"], task["customer"], task["rule"]) == (
        "Call", "OPEN", {"id": "c2"}, {"name": "r"})  # fmt: skip
    done = (await api(UPDATE, id=task["id"], s="DONE"))["updateTask"]
    assert done["status"] == "DONE"


async def test_bad_input_writes_nothing(api: Api, shop: Graph) -> None:
    before = await snapshot(shop)
    for variables, code, field in (
        ({"c": "nobody", "t": "x"}, "NOT_FOUND", "customerId"),
        ({"c": "c1", "t": "  "}, "BAD_USER_INPUT", "title"),
    ):
        error = await api.error(CREATE, **variables)
        assert error["extensions"] == {"code": code, "field": field}
    error = await api.error(UPDATE, id="nope", s="DONE")
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    assert await snapshot(shop) == before
    error = await api.error(QUEUE, after="nope")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_tasks_on_the_timeline(api: Api, shop: Graph) -> None:
    task = await make(api, "回访", None)
    await api(UPDATE, id=task, s="DONE")
    timeline = await api(
        '{ customer(id: "c1") { timeline(kinds: [TASK_CREATED, TASK_DONE]) { '
        "edges { node { kind summary actor task { title status } } } } } }"
    )
    items = [edge["node"] for edge in timeline["customer"]["timeline"]["edges"]]
    assert [(i["kind"], i["summary"], i["actor"]) for i in items] == [
        ("TASK_DONE", "Task 回访 done by tester", "tester"),
        ("TASK_CREATED", "Task 回访 created by tester", "tester"),
    ]
    assert items[0]["task"] == {"title": "回访", "status": "DONE"}


async def test_every_page_follows_the_queue_order_ties_and_missing_due_times_included(
    api: Api, shop: Graph
) -> None:
    due = ["2026-12-02T09:00:00Z", None, "2026-12-01T09:00:00Z", None, "2026-12-02T09:00:00Z"]
    made = []
    for n in range(15):  # by due time (six at each of two, three at one), then six without
        made.append((due[n % 5], await make(api, f"t{n}", due[n % 5], ["li", "wang"][n % 2])))
    by_queue = sorted(made, key=lambda m: (m[0] is None, m[0] or "", m[1]))
    expected = [task for _, task in by_queue]
    wangs = {task for n, (_, task) in enumerate(made) if n % 2}
    query = """query ($first: Int, $after: String, $a: String, $s: [TaskStatus!]) {
      tasks(first: $first, after: $after, assignee: $a, status: $s) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
    for first in (1, 2, 4):
        seen: list[str] = []
        after = None
        while True:
            page = (await api(query, first=first, after=after))["tasks"]
            assert page["totalCount"] == 15
            seen += [edge["node"]["id"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == expected, first
    await api(UPDATE, id=expected[0], s="DONE")
    page = (await api(query, first=20, a="wang", s=["OPEN"]))["tasks"]
    open_wangs = [task for task in expected if task in wangs and task != expected[0]]
    assert [edge["node"]["id"] for edge in page["edges"]] == open_wangs
    assert page["totalCount"] == len(open_wangs)


async def test_every_filter_pages_and_counts_what_it_lets_through(api: Api, shop: Graph) -> None:
    # each filter combination reads other indexes (the due ones per status, those without a
    # due time by id); ties on dueAt and tasks without one split across pages
    due = ["2026-12-01T09:00:00Z", None, "2026-12-03T09:00:00Z", "2026-12-01T09:00:00Z"]
    tasks = []
    for n in range(16):
        task_id = await make(api, f"t{n:02}", due[n % 4], ["li", "wang", None][n % 3])
        status = ["OPEN", "DONE", "CANCELLED"][n % 3 if n % 5 else 0]
        if status != "OPEN":
            await api(UPDATE, id=task_id, s=status)
        tasks.append((task_id, f"t{n:02}", status, ["li", "wang", None][n % 3], due[n % 4]))
    queue = sorted(tasks, key=lambda t: (t[4] is None, t[4] or "", t[0]))
    for s in (None, ["OPEN"], ["DONE", "CANCELLED"]):
        for a in (None, "li", "nobody"):
            for d in (None, "2026-12-02T00:00:00Z", "2026-11-01T00:00:00Z"):
                expected = [title for _, title, status, assignee, dueAt in queue
                            if (s is None or status in s) and (a is None or assignee == a)
                            and (d is None or (dueAt is not None and dueAt < d))]  # fmt: skip
                nodes, totals = await every_page(api, QUEUE, "tasks", s=s, a=a, d=d, first=2)
                assert [n["title"] for n in nodes] == expected, (s, a, d)
                assert totals == {len(expected)}, (s, a, d)
