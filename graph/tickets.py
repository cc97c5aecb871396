"""Tickets (客户服务: requests tracked to resolution) and their service levels.

A ticket is a TICKET interaction with a status (OPEN, PENDING, RESOLVED, CLOSED), a priority
(LOW, NORMAL, HIGH, URGENT), an assignee, the time of its first response and, while RESOLVED
or CLOSED, of its resolution. Feedback (FEEDBACK interactions with a 0-10 score) is summed up
here too, since both are what a service team measures itself by."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import cast

from core.errors import NotFound
from graph.db import Graph
from graph.model import TicketPriority, TicketStatus
from graph.paging import Page
from graph.rows import FeedbackSummaryRow, InteractionRow, ServiceLevelRow

# A ticket's cursor key: (epoch seconds, nanoseconds, id) of its occurredAt.
TicketKey = tuple[int, int, str]


async def page(
    graph: Graph, *, statuses: list[str] | None, priorities: list[str] | None,
    assignee: str | None, limit: int, after: TicketKey | None, count: bool = True,
) -> Page[InteractionRow]:  # fmt: skip
    """Tickets newest first (occurredAt, then id, descending), `limit` after the key; with
    `count`, how many match in all (read from an index, as many entries as match), else
    NOT_COUNTED."""
    seconds, nanos, ticket_id = after if after is not None else (None, None, None)
    row = await graph.read_one(
        "tickets/page", statuses=statuses, priorities=priorities, assignee=assignee,
        limit=limit, afterSeconds=seconds, afterNanos=nanos, afterId=ticket_id, count=count,
        everyStatus=[s.value for s in TicketStatus],
        everyPriority=[p.value for p in TicketPriority],
    )  # fmt: skip
    assert row is not None
    return Page.from_value(row)


async def update(
    graph: Graph, ticket_id: str, *, status: str | None, priority: str | None,
    note: str | None, assignee: tuple[bool, str | None], actor: str,
) -> InteractionRow:  # fmt: skip
    """The ticket with the fields given changed (`assignee`: (whether to set it, to what));
    NotFound (field id) for no such ticket."""
    set_assignee, new_assignee = assignee
    row = await graph.write_one(
        "tickets/update", ticketId=ticket_id, status=status, priority=priority, note=note,
        setAssignee=set_assignee, assignee=new_assignee, now=datetime.now(UTC), actor=actor,
    )  # fmt: skip
    if row is None:
        raise NotFound("ticket", ticket_id, field="id")
    ticket: InteractionRow = row["ticket"]
    return ticket


async def service_levels(
    graph: Graph, start: datetime, end: datetime, targets: Mapping[str, float]
) -> list[ServiceLevelRow]:
    """One row per priority of `targets` (hours to resolve), in its order."""
    levels = [{"priority": p, "hours": hours} for p, hours in targets.items()]
    as_of = min(end, datetime.now(UTC))
    rows = await graph.read("tickets/service_levels", levels=levels, **{"from": start}, to=end,
                            asOf=as_of)  # fmt: skip
    return cast(list[ServiceLevelRow], rows)


async def feedback_summary(
    graph: Graph, tag_id: str | None, start: datetime | None, end: datetime | None
) -> list[FeedbackSummaryRow]:
    """'全部' first, then one row per tag directly below `tag_id`, by name."""
    rows = await graph.read("feedback/summary", tagId=tag_id, **{"from": start}, to=end)
    return cast(list[FeedbackSummaryRow], rows)
