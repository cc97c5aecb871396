"""The graph model's vocabularies as GraphQL enums (the same Python enums, registered)."""

from __future__ import annotations

import strawberry

from graph.model import InteractionType, LifecycleStageName, TagSource

strawberry.enum(InteractionType, description="What kind of contact an Interaction records.")
strawberry.enum(LifecycleStageName, description="The seven lifecycle stages, in order.")
strawberry.enum(TagSource, description="Who assigned a tag: by hand, by an import, by a tag rule.")

__all__ = ["InteractionType", "LifecycleStageName", "TagSource"]
