"""The graph model's vocabularies as GraphQL enums (the same Python enums, registered)."""

from __future__ import annotations

import strawberry

from graph.model import InteractionType, LifecycleStageName

strawberry.enum(InteractionType, description="What kind of contact an Interaction records.")
strawberry.enum(LifecycleStageName, description="The seven lifecycle stages, in order.")

__all__ = ["InteractionType", "LifecycleStageName"]
