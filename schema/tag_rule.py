"""TagRule: a dynamic tag kept equal to a segment definition; TagRuleRun: what a run changed."""

from __future__ import annotations

from datetime import datetime

import strawberry

from graph.rows import TagRuleRow
from graph.rules.tag_rules import RuleRun
from schema.scalars import as_datetime
from schema.tag import Tag


@strawberry.type(
    description="Keeps one tag equal to one segment: after a run, the tag is held with source "
    "RULE by exactly the customers matching the definition (hand-made and imported "
    "assignments are never touched)."
)
class TagRule:
    id: strawberry.ID
    name: str
    tag: Tag
    definition: str = strawberry.field(description="JSON text of the SegmentDefinition.")
    enabled: bool
    last_run_at: datetime | None

    @classmethod
    def from_record(cls, record: TagRuleRow) -> TagRule:
        return cls(
            id=strawberry.ID(record["id"]),
            name=record["name"],
            tag=Tag.from_record(record["tag"]),
            definition=record["definition"],
            enabled=bool(record["enabled"]),
            last_run_at=as_datetime(record.get("lastRunAt")),
        )


@strawberry.type(description="One rule's run: assignments added and removed.")
class TagRuleRun:
    rule: TagRule
    added: int
    removed: int

    @classmethod
    def from_run(cls, run: RuleRun) -> TagRuleRun:
        return cls(rule=TagRule.from_record(run.rule), added=run.added, removed=run.removed)
