"""Linkage rules (联动规则): when a customer gains a tag, from any source, act once.

A `(:LinkageRule)-[:WHEN_ADDED]->(:Tag)` fires for each gain of its tag recorded after the
rule was created, exactly once, when the gain's event is dispatched (`graph.tags.events`):

- CREATE_TASK: a `(:Task {title, dueAt, createdAt})` for the customer (`HAS_TASK`), linked to
  the rule (`CREATED_BY`); `dueAt` is the time of firing plus `dueInDays`, when given.
- ASSIGN_OWNER: the customer's `owner` becomes the next name of `owners`, round-robin in the
  order gains are dispatched.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from core.errors import BadUserInput
from graph.db import Graph
from graph.rows import LinkageRuleRow
from graph.tags import taxonomy


@dataclass(frozen=True)
class LinkageRule:
    """A linkage rule as given (clean: `resolvers.clean.linkage_rule`)."""

    name: str
    when_tag_added: str  # a tag's name or alias
    action: str  # CREATE_TASK or ASSIGN_OWNER
    task_title: str | None = None
    due_in_days: int | None = None
    owners: list[str] | None = None


async def create(graph: Graph, rule: LinkageRule) -> LinkageRuleRow:
    """A new linkage rule; it fires for gains of its tag from now on."""
    tag = (await taxonomy.require(graph, {rule.when_tag_added: "input.whenTagAdded"}))[
        rule.when_tag_added
    ]
    row = await graph.write_one(
        "rules/linkage/create",
        id=f"link-{uuid.uuid4().hex[:12]}",
        ruleName=rule.name,
        tagName=tag.name,
        action=rule.action,
        now=datetime.now(UTC),
        taskTitle=rule.task_title,
        dueInDays=rule.due_in_days,
        owners=rule.owners,
    )
    assert row is not None
    if row["duplicate"]:
        raise BadUserInput("input.name", f"a linkage rule named {rule.name!r} already exists")
    if row["rule"] is None:
        raise BadUserInput("input.whenTagAdded", f"unknown tag {rule.when_tag_added!r}")
    created: LinkageRuleRow = row["rule"]
    return created


async def all_rules(graph: Graph) -> list[LinkageRuleRow]:
    return [row["rule"] for row in await graph.read("rules/linkage/all")]
