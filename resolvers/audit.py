"""Query.auditLog: the audit trail, newest first (admins only: schema/security.py)."""

from __future__ import annotations

from graph import audit
from graph.rows import AuditEntryRow
from resolvers.context import Info
from resolvers.pagination import EdgePage, check_first, decode_cursor, edge_page


async def audit_log(info: Info, first: int | None, after: str | None) -> EdgePage[AuditEntryRow]:
    size = check_first(first, info.context.settings)
    key = decode_cursor(after, int, str)
    page = await audit.audit_page(info.context.graph, limit=size + 1, after=key)
    return edge_page(page, size, has_previous_page=key is not None)
