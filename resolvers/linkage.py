"""Linkage rules: list and create (see `graph.rules.linkage`)."""

from __future__ import annotations

from graph.cleansing import normalize_name
from graph.db import Record
from graph.rules import linkage
from graph.rules.linkage import LinkageRuleInput
from schema.context import Info


async def rules(info: Info) -> list[Record]:
    return await linkage.all_rules(info.context.graph)


async def create(info: Info, rule: LinkageRuleInput) -> Record:
    tag = normalize_name(rule.when_tag_added, "input.whenTagAdded")
    record = await linkage.create(
        info.context.graph,
        LinkageRuleInput(
            rule.name, tag, rule.action, rule.task_title, rule.due_in_days, rule.owners
        ),
    )
    info.context.loaders.clear_all()
    return record


async def tasks(info: Info, customer_id: str) -> list[Record]:
    return await info.context.loaders.customer_tasks.load(customer_id)
