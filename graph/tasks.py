"""Tasks, the work queue (客户服务): follow-ups made by hand (createTask) or by linkage rules,
with a status (OPEN, DONE, CANCELLED), an assignee and a due time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from core.errors import NotFound
from graph.db import Graph
from graph.model import UNSET, TaskStatus
from graph.paging import Page
from graph.rows import TaskRow


async def create(
    graph: Graph, customer_id: str, *, title: str, due_at: datetime | None,
    assignee: str | None, actor: str,
) -> TaskRow:  # fmt: skip
    """An OPEN task for the customer; NotFound (field customerId) without one."""
    row = await graph.write_one(
        "tasks/create", customerId=customer_id, taskId=f"task-{uuid.uuid4().hex[:12]}",
        title=title, dueAt=due_at, assignee=assignee, now=datetime.now(UTC), actor=actor,
    )  # fmt: skip
    if row is None:
        raise NotFound("customer", customer_id, field="customerId")
    task: TaskRow = row["task"]
    return task


async def update(
    graph: Graph, task_id: str, *, status: str | None, title: str | None, actor: str,
    assignee: str | None = UNSET, due_at: datetime | None = UNSET,
) -> TaskRow:  # fmt: skip
    """The fields given changed (a None assignee or due time clears it); NotFound (field id)
    for an unknown task."""
    row = await graph.write_one(
        "tasks/update", taskId=task_id, status=status, title=title,
        setAssignee=assignee is not UNSET, assignee=None if assignee is UNSET else assignee,
        setDueAt=due_at is not UNSET, dueAt=None if due_at is UNSET else due_at,
        now=datetime.now(UTC), actor=actor,
    )  # fmt: skip
    if row is None:
        raise NotFound("task", task_id, field="id")
    task: TaskRow = row["task"]
    return task


async def page(
    graph: Graph, *, statuses: list[str] | None, assignee: str | None,
    due_before: datetime | None, limit: int, after: tuple[bool, str | None, str] | None,
    count: bool = True,
) -> Page[TaskRow]:  # fmt: skip
    """Tasks by dueAt (none last), then id, `limit` after the key (missing, dueAt text, id);
    with `count`, how many match in all (read from an index, as many entries as match), else
    NOT_COUNTED."""
    missing, due, task_id = after if after is not None else (False, None, None)
    row = await graph.read_one(
        "tasks/page", statuses=statuses, assignee=assignee, dueBefore=due_before, limit=limit,
        afterMissing=missing, afterDue=due, afterId=task_id, count=count,
        everyStatus=[s.value for s in TaskStatus],
    )  # fmt: skip
    assert row is not None
    return Page.from_value(row)
