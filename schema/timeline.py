"""Customer.timeline: the items of a customer's history and their one-line summaries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import strawberry

from graph.model import LifecycleStageName, TagSource, TimelineKind
from graph.rows import TimelineItemRow
from resolvers.pagination import EdgePage
from schema.interaction import Interaction
from schema.linkage import Task
from schema.pagination import PageInfo
from schema.scalars import as_datetime, must
from schema.tag import Tag

strawberry.enum(TimelineKind, description="What a timeline item records.")
TAG_KINDS = frozenset({TimelineKind.TAG_ADDED, TimelineKind.TAG_REMOVED})


def _by(row: TimelineItemRow) -> str:
    """Who did it, as the end of a sentence."""
    actor = row.get("actor")
    if row.get("ruleName"):
        return f" by rule {row.get('ruleName')}"
    if actor == "import" or row.get("source") == TagSource.IMPORT:
        return " by import"
    return f" by {actor}" if actor else ""


def _interaction(row: TimelineItemRow) -> str:
    interaction: dict[str, Any] = dict(row.get("interaction") or {})
    parts = [str(interaction.get("type", "INTERACTION"))]
    if row.get("productName"):
        parts.append(str(row.get("productName")))
    if (amount := interaction.get("amount")) is not None:
        parts.append(f"¥{float(amount):,.2f}")
    if interaction.get("channel"):
        parts.append(f"via {interaction.get('channel')}")
    return " ".join(parts)


def _owner(row: TimelineItemRow) -> str:
    previous, owner = row.get("previousOwner"), row.get("owner")
    change = f"Owner {previous} → {owner}" if previous else f"Owner set to {owner}"
    return change + _by(row)


def _task(verb: str) -> Callable[[TimelineItemRow], str]:
    def summary(row: TimelineItemRow) -> str:
        task: dict[str, Any] = dict(row.get("task") or {})
        rule = task.get("rule")
        by = f" by linkage rule {rule['name']}" if rule and verb == "created" else _by(row)
        return f"Task {task.get('title', '')} {verb}{by}"

    return summary


SUMMARIES: dict[str, Callable[[TimelineItemRow], str]] = {
    "INTERACTION": _interaction,
    "TAG_ADDED": lambda row: f"标签 {row.get('tagName')} added{_by(row)}",
    "TAG_REMOVED": lambda row: f"标签 {row.get('tagName')} removed{_by(row)}",
    "STAGE_CHANGED": lambda row: f"Stage {row.get('stage')} entered{_by(row)}",
    "OWNER_CHANGED": _owner,
    "TASK_CREATED": _task("created"),
    "TASK_DONE": _task("done"),
    "MERGED": lambda row: "Merged " + ", ".join(row.get("mergedIds", [])) + _by(row),
    "PROFILE_UPDATED": lambda row: (
        "Profile updated: " + ", ".join(row.get("fields", [])) + _by(row)
    ),
}


def summary(row: TimelineItemRow) -> str:
    """One human line for the item: what happened, and by whom (never a personal value)."""
    return SUMMARIES[row["kind"]](row)


@strawberry.type(description="One thing that happened to a customer.")
class TimelineItem:
    at: datetime
    kind: TimelineKind
    summary: str = strawberry.field(
        description='One human line, e.g. "标签 高价值客户 added by rule 高消费".'
    )
    actor: str | None = strawberry.field(
        description='Who: the token subject, "import", or "rule:<id>" (tag and linkage rules).'
    )
    interaction: Interaction | None = strawberry.field(description="INTERACTION: the interaction.")
    tag: Tag | None = strawberry.field(
        description="TAG_ADDED, TAG_REMOVED: the tag (a tag merged away since: the tag its "
        "name now means; null once deleted)."
    )
    source: TagSource | None = strawberry.field(description="TAG_ADDED, TAG_REMOVED: how.")
    stage: LifecycleStageName | None = strawberry.field(
        description="STAGE_CHANGED: the stage entered."
    )
    task: Task | None = strawberry.field(description="TASK_CREATED, TASK_DONE: the task.")

    @classmethod
    def from_record(cls, row: TimelineItemRow) -> TimelineItem:
        interaction, tag, task = row.get("interaction"), row.get("tag"), row.get("task")
        stage = row.get("stage")
        source = row.get("source") if row["kind"] in TAG_KINDS else None
        return cls(
            at=must(as_datetime(row["at"])),
            kind=TimelineKind(row["kind"]),
            summary=summary(row),
            actor=row.get("actor"),
            interaction=None if interaction is None else Interaction.from_record(interaction),
            tag=None if tag is None else Tag.from_record(tag),
            source=None if source is None else TagSource(source),
            stage=None if stage is None else LifecycleStageName(stage),
            task=None if task is None else Task.from_record(task),
        )


@strawberry.type
class TimelineEdge:
    cursor: str
    node: TimelineItem


@strawberry.type(description="A page of a customer's history, newest first.")
class TimelineConnection:
    edges: list[TimelineEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Items in the whole history (of the kinds).")

    @classmethod
    def of(cls, page: EdgePage[TimelineItemRow]) -> TimelineConnection:
        return cls(
            edges=[
                TimelineEdge(cursor=edge.cursor, node=TimelineItem.from_record(edge.node))
                for edge in page.edges
            ],
            page_info=PageInfo.of(page),
            total_count=page.total_count,
        )
