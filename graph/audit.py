"""The audit trail: one `(:AuditEntry)` per successful mutation (docs/security.md).

The API writes the entry inside the mutation's own transaction (`Graph.atomically`), so a
mutation that fails leaves no entry and an entry always means the change landed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from graph.db import Graph
from graph.paging import Page
from graph.rows import AuditEntryRow


def _now_ms() -> datetime:
    """Now, to the millisecond: auditLog's cursor keys on epoch milliseconds."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@dataclass(frozen=True)
class Entry:
    actor: str
    action: str
    arguments: str  # JSON, personal data masked
    at: datetime = field(default_factory=_now_ms)


async def record(graph: Graph, entry: Entry) -> None:
    await graph.write(
        "audit/record",
        actor=entry.actor,
        action=entry.action,
        arguments=entry.arguments,
        at=entry.at,
    )


async def audit_page(
    graph: Graph, *, limit: int, after: list[object] | None
) -> Page[AuditEntryRow]:
    """Entries newest first, `limit` of them after the key `after` ([epochMillis, id])."""
    row = await graph.read_one("audit/page", limit=limit, after=after)
    assert row is not None
    return Page.from_value(row)
