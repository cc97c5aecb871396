"""Linkage rules (联动规则): when a customer gains or loses a tag, or enters a lifecycle stage,
act once.

A `(:LinkageRule {trigger})` fires for each matching change recorded after the rule was
created (or last re-targeted or re-enabled: `since`), exactly once, when the change's event is
dispatched (`graph.tags.events`, `cypher/tags/events/dispatch.cypher`). Its trigger:

- TAG_ADDED / TAG_REMOVED: `-[:WHEN_ADDED]->(:Tag)` / `-[:WHEN_REMOVED]->(:Tag)`, a gain or a
  loss of that tag, whatever the source; a customer merge's moves do not fire.
- STAGE_ENTERED: `stage`, a move into that lifecycle stage (setStage, an import).

Its action:

- CREATE_TASK: a `(:Task {title, dueAt, createdAt})` for the customer (`HAS_TASK`), linked to
  the rule (`CREATED_BY`); `dueAt` is the time of firing plus `dueInDays`, when given.
- ASSIGN_OWNER: the customer's `owner` becomes the next name of `owners`, round-robin in the
  order changes are dispatched.
- CALL_WEBHOOK: a `(:WebhookDelivery:PendingDelivery)` in the outbox, which
  `graph.rules.webhooks` POSTs to `webhookUrl`, signed, in order, retried.

A disabled rule fires for nothing; enabling it again starts from then.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.errors import BadUserInput, NotFound
from graph.db import Graph
from graph.model import TRIGGER_RELATIONSHIPS
from graph.rows import LinkageRuleRow
from graph.tags import taxonomy


@dataclass(frozen=True)
class LinkageRule:
    """A linkage rule as given; `resolvers.clean.linkage_rule` makes `trigger` explicit and
    folds `when_tag_added` into `tag`."""

    name: str
    action: str  # a LinkageAction
    trigger: str | None = None  # a LinkageTrigger; None: TAG_ADDED
    tag: str | None = None  # a tag's name or alias (TAG_ADDED, TAG_REMOVED)
    when_tag_added: str | None = None  # the contract's first spelling of a TAG_ADDED tag
    stage: str | None = None  # STAGE_ENTERED
    task_title: str | None = None
    due_in_days: int | None = None
    owners: list[str] | None = None
    webhook_url: str | None = None


async def create(graph: Graph, rule: LinkageRule) -> LinkageRuleRow:
    """A new linkage rule; it fires for changes from now on."""
    row = await graph.write_one(
        "rules/linkage/create", id=f"link-{uuid.uuid4().hex[:12]}", **await _params(graph, rule)
    )
    return _written(row, rule)


async def update(graph: Graph, rule_id: str, rule: LinkageRule) -> LinkageRuleRow:
    """The rule redefined. A new trigger (kind, tag or stage) fires for changes from now on;
    the webhook deliveries still pending go to the new address, or are dropped when the rule
    no longer calls a webhook."""
    row = await graph.write_one("rules/linkage/update", id=rule_id, **await _params(graph, rule))
    if row is None:
        raise NotFound("linkage rule", rule_id, field="id")
    return _written(row, rule)


async def set_enabled(graph: Graph, rule_id: str, enabled: bool) -> LinkageRuleRow:
    """Enable or disable a rule; enabled again, it fires for changes from now on."""
    row = await graph.write_one(
        "rules/linkage/set_enabled", id=rule_id, enabled=enabled, now=datetime.now(UTC)
    )
    if row is None:
        raise NotFound("linkage rule", rule_id, field="id")
    rule: LinkageRuleRow = row["rule"]
    return rule


async def delete(graph: Graph, rule_id: str) -> bool:
    """Delete a rule and its webhook outbox; the tasks it made stay (without their rule)."""
    row = await graph.write_one("rules/linkage/delete", id=rule_id)
    if row is None or not row["deleted"]:
        raise NotFound("linkage rule", rule_id, field="id")
    return True


async def all_rules(graph: Graph) -> list[LinkageRuleRow]:
    return [row["rule"] for row in await graph.read("rules/linkage/all")]


async def _params(graph: Graph, rule: LinkageRule) -> dict[str, Any]:
    """The statement's parameters, the tag resolved to its current name (aliases work)."""
    tag = None
    if rule.tag is not None:
        tag = (await taxonomy.require(graph, {rule.tag: _tag_field(rule)}))[rule.tag].name
    return {
        "ruleName": rule.name,
        "definition": {
            "action": rule.action,
            "trigger": rule.trigger,
            "stage": rule.stage,
            "taskTitle": rule.task_title,
            "dueInDays": rule.due_in_days,
            "owners": rule.owners,
            "webhookUrl": rule.webhook_url,
        },
        "tagName": tag,
        "relationship": TRIGGER_RELATIONSHIPS.get(rule.trigger or ""),
        "now": datetime.now(UTC),
    }


def _tag_field(rule: LinkageRule) -> str:
    return "input.whenTagAdded" if rule.when_tag_added is not None else "input.tag"


def _written(row: Any, rule: LinkageRule) -> LinkageRuleRow:
    assert row is not None
    if row["duplicate"]:
        raise BadUserInput("input.name", f"a linkage rule named {rule.name!r} already exists")
    if row["rule"] is None:  # the tag went away between the check and the write
        raise BadUserInput(_tag_field(rule), f"unknown tag {rule.tag!r}")
    written: LinkageRuleRow = row["rule"]
    return written
