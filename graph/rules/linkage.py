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
from graph.cleansing import normalize_label
from graph.db import Graph, Record
from graph.tags import taxonomy

MAX_OWNERS = 1000
MAX_DUE_DAYS = 36_600


@dataclass(frozen=True)
class LinkageRuleInput:
    name: str
    when_tag_added: str
    action: str  # CREATE_TASK or ASSIGN_OWNER
    task_title: str | None = None
    due_in_days: int | None = None
    owners: list[str] | None = None


def _checked(rule: LinkageRuleInput) -> dict[str, object]:
    """The action's own fields, checked; the other action's fields must be left out."""
    if rule.action == "CREATE_TASK":
        if rule.owners is not None:
            raise BadUserInput("input.owners", "applies to ASSIGN_OWNER only")
        if rule.task_title is None:
            raise BadUserInput("input.taskTitle", "CREATE_TASK needs a task title")
        due = rule.due_in_days
        if due is not None and not 0 <= due <= MAX_DUE_DAYS:
            raise BadUserInput(
                "input.dueInDays", f"must be between 0 and {MAX_DUE_DAYS}, got {due}"
            )
        return {"taskTitle": normalize_label(rule.task_title, "input.taskTitle"), "dueInDays": due,
                "owners": None}  # fmt: skip
    if rule.task_title is not None or rule.due_in_days is not None:
        field = "input.taskTitle" if rule.task_title is not None else "input.dueInDays"
        raise BadUserInput(field, "applies to CREATE_TASK only")
    if not rule.owners:
        raise BadUserInput("input.owners", "ASSIGN_OWNER needs at least one owner")
    if len(rule.owners) > MAX_OWNERS:
        raise BadUserInput("input.owners", f"at most {MAX_OWNERS} owners, got {len(rule.owners)}")
    owners = [normalize_label(owner, f"input.owners[{i}]") for i, owner in enumerate(rule.owners)]
    return {"taskTitle": None, "dueInDays": None, "owners": owners}


async def create(graph: Graph, rule: LinkageRuleInput) -> Record:
    """A new linkage rule; it fires for gains of its tag from now on."""
    name = normalize_label(rule.name, "input.name")
    fields = _checked(rule)
    tag = (await taxonomy.require(graph, {rule.when_tag_added: "input.whenTagAdded"}))[
        rule.when_tag_added
    ]
    row = await graph.write_one(
        "rules/linkage/create",
        id=f"link-{uuid.uuid4().hex[:12]}",
        ruleName=name,
        tagName=tag.name,
        action=rule.action,
        now=datetime.now(UTC),
        **fields,
    )
    assert row is not None
    if row["duplicate"]:
        raise BadUserInput("input.name", f"a linkage rule named {name!r} already exists")
    if row["rule"] is None:
        raise BadUserInput("input.whenTagAdded", f"unknown tag {rule.when_tag_added!r}")
    created: Record = row["rule"]
    return created


async def all_rules(graph: Graph) -> list[Record]:
    return [row["rule"] for row in await graph.read("rules/linkage/all")]
