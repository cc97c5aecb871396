"""Mutation.recordInteraction and updateTicket; Query.tickets, serviceLevels and
feedbackSummary: capture and service (graph/interactions.py, graph/tickets.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from core.errors import BadUserInput
from graph import interactions as graph_interactions
from graph import tickets as graph_tickets
from graph.cleansing import normalize_name
from graph.ingest import lines
from graph.model import TicketPriority, TicketStatus
from graph.rows import FeedbackSummaryRow, InteractionRow, ServiceLevelRow
from graph.tags import taxonomy
from resolvers import clean
from resolvers.context import Info
from resolvers.mutations import actor
from resolvers.pagination import EdgePage, check_first, decode_cursor, edge_page
from resolvers.selection import asks_for

MAX_NOTE = 10_000
# A cursor's time must be one Cypher's datetime() accepts: years 0001-9999 here.
_SECONDS = range(-62_135_596_800, 253_402_300_800)
_NANOS = range(1_000_000_000)


async def record(info: Info, given: dict[str, Any]) -> InteractionRow:
    """recordInteraction: `given` is the input's fields, checked as an import line is (the
    same rules, the same field names), then written by the import's own statement."""
    line = {key: value for key, value in given.items() if value is not None}
    line["id"] = clean.required(line["id"], "id") if "id" in line else f"int-{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    line["occurredAt"] = (line.get("occurredAt") or now).isoformat()
    line["type"] = str(line["type"])
    for field in ("status", "priority"):
        if field in line:
            line[field] = str(line[field])
    _check_note(line.get("note"))
    [(_, row)] = lines.validate("interaction", line)
    return await graph_interactions.record(info.context.graph, row, now, actor(info))


async def update(info: Info, ticket_id: str, given: dict[str, Any]) -> InteractionRow:
    """updateTicket: `given` holds the input's fields that were given (a null assignee
    clears it; a null status, priority or note changes nothing)."""
    status, priority = given.get("status"), given.get("priority")
    note = clean.text(given.get("note"))
    _check_note(note)
    return await graph_tickets.update(
        info.context.graph, clean.required(ticket_id, "id"),
        status=None if status is None else TicketStatus(status).value,
        priority=None if priority is None else TicketPriority(priority).value, note=note,
        assignee=(True, clean.text(given["assignee"])) if "assignee" in given else (False, None),
        actor=actor(info),
    )  # fmt: skip


async def queue(
    info: Info, statuses: list[TicketStatus] | None, priorities: list[TicketPriority] | None,
    assignee: str | None, first: int | None, after: str | None,
) -> EdgePage[InteractionRow]:  # fmt: skip
    """Query.tickets: newest first."""
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, int, int, str)
    if key is not None and (key[0] not in _SECONDS or key[1] not in _NANOS):
        raise BadUserInput("after", f"{after!r} is not a cursor of this connection")
    page = await graph_tickets.page(
        info.context.graph,
        statuses=None if statuses is None else sorted({s.value for s in statuses}),
        priorities=None if priorities is None else sorted({p.value for p in priorities}),
        assignee=clean.text(assignee), limit=size + 1,
        after=None if key is None else (key[0], key[1], key[2]),
        count=asks_for(info, "totalCount"),
    )  # fmt: skip
    return edge_page(page, size, has_previous_page=after is not None)


async def service_levels(info: Info, start: datetime, end: datetime) -> list[ServiceLevelRow]:
    _check_window(start, end)
    return await graph_tickets.service_levels(
        info.context.graph, start, end, info.context.settings.sla_targets
    )


async def feedback_summary(
    info: Info, by_tag: str | None, start: datetime | None, end: datetime | None
) -> list[FeedbackSummaryRow]:
    if start is not None and end is not None:
        _check_window(start, end)
    tag_id = None
    if (name := clean.text(by_tag)) is not None:
        name = normalize_name(name, "byTag")
        tag_id = (await taxonomy.require(info.context.graph, {name: "byTag"}))[name].tag["id"]
    return await graph_tickets.feedback_summary(info.context.graph, tag_id, start, end)


def _check_window(start: datetime, end: datetime) -> None:
    if end <= start:
        raise BadUserInput("to", f"must be after from ({start.isoformat()}), got {end.isoformat()}")


def _check_note(note: str | None) -> None:
    if note is not None and len(note) > MAX_NOTE:
        raise BadUserInput("note", f"at most {MAX_NOTE} characters, got {len(note)}")
