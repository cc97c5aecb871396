"""Query.tasks, Mutation.createTask and updateTask: the work queue (graph/tasks.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.errors import BadUserInput
from graph import tasks as graph_tasks
from graph.model import TaskStatus
from graph.rows import CustomerRow, TaskRow
from resolvers import clean
from resolvers.context import Info
from resolvers.mutations import actor, current_customer_id
from resolvers.pagination import EdgePage, check_first, decode_cursor, edge_page
from resolvers.selection import asks_for

MAX_TITLE = 500


def _title(value: str, field: str) -> str:
    title = clean.required(value, field)
    if len(title) > MAX_TITLE:
        raise BadUserInput(field, f"at most {MAX_TITLE} characters, got {len(title)}")
    return title


async def create(
    info: Info, customer_id: str, title: str, due_at: datetime | None, assignee: str | None
) -> TaskRow:
    customer = await current_customer_id(info, customer_id)
    return await graph_tasks.create(
        info.context.graph, customer, title=_title(title, "title"), due_at=due_at,
        assignee=clean.text(assignee), actor=actor(info),
    )  # fmt: skip


async def update(info: Info, task_id: str, changes: dict[str, Any]) -> TaskRow:
    """updateTask: `changes` holds the arguments given (null assignee or dueAt clears it)."""
    status = changes.get("status")
    title = changes.get("title")
    extra: dict[str, Any] = {}
    if "assignee" in changes:
        extra["assignee"] = clean.text(changes["assignee"])
    if "dueAt" in changes:
        extra["due_at"] = changes["dueAt"]
    return await graph_tasks.update(
        info.context.graph, clean.required(task_id, "id"),
        status=None if status is None else TaskStatus(status).value,
        title=None if title is None else _title(title, "title"), actor=actor(info), **extra,
    )  # fmt: skip


async def queue(
    info: Info,
    statuses: list[TaskStatus] | None,
    assignee: str | None,
    due_before: datetime | None,
    first: int | None,
    after: str | None,
) -> EdgePage[TaskRow]:
    """Query.tasks: by dueAt ascending (none last), then id."""
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, bool, object, str)
    if key is not None and not isinstance(key[1], str | None):
        raise BadUserInput("after", f"{after!r} is not a cursor of this connection")
    page = await graph_tasks.page(
        info.context.graph,
        statuses=None if statuses is None else sorted({s.value for s in statuses}),
        assignee=clean.text(assignee), due_before=due_before, limit=size + 1,
        after=None if key is None else (key[0], key[1], key[2]),
        count=asks_for(info, "totalCount"),
    )  # fmt: skip
    return edge_page(page, size, has_previous_page=after is not None)


async def customer(info: Info, customer_id: str) -> CustomerRow:
    """Task.customer (a task goes with its customer: erasure deletes both, merges move it)."""
    record = await info.context.loaders.customer.load(customer_id)
    assert record is not None
    return record
