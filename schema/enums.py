"""The graph model's vocabularies as GraphQL enums (the same Python enums, registered)."""

from __future__ import annotations

import strawberry

from graph.model import InteractionType, LifecycleStageName, TagSource, TicketPriority, TicketStatus

strawberry.enum(InteractionType, description="What kind of contact an Interaction records.")
strawberry.enum(LifecycleStageName, description="The seven lifecycle stages, in order.")
strawberry.enum(
    TicketStatus, description="Where a ticket stands: RESOLVED and CLOSED are resolved."
)
strawberry.enum(TicketPriority, description="How urgent a ticket is; each has a target (SLA).")
strawberry.enum(TagSource, description="Who assigned a tag: by hand, by an import, by a tag rule.")

__all__ = ["InteractionType", "LifecycleStageName", "TagSource", "TicketPriority", "TicketStatus"]
