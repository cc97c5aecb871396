"""AuditEntry: one successful mutation, as the audit trail keeps it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph.rows import AuditEntryRow
from schema.scalars import as_datetime, must


@strawberry.type(description="One successful mutation: who, which, with what, when.")
class AuditEntry:
    id: strawberry.ID
    actor: str = strawberry.field(description="The token's subject.")
    action: str = strawberry.field(description="The mutation's name.")
    arguments: str = strawberry.field(
        description="The mutation's arguments as JSON, personal data masked."
    )
    at: datetime

    @classmethod
    def from_record(cls, record: AuditEntryRow) -> AuditEntry:
        return cls(
            id=strawberry.ID(record["id"]),
            actor=record["actor"],
            action=record["action"],
            arguments=record["arguments"],
            at=must(as_datetime(record["at"])),
        )
