"""Linkage rules: list and create (see `graph.rules.linkage`)."""

from __future__ import annotations

from graph.rows import LinkageRuleRow, TaskRow
from graph.rules import linkage
from graph.rules.linkage import LinkageRule
from resolvers import clean
from resolvers.context import Info


async def rules(info: Info) -> list[LinkageRuleRow]:
    return await linkage.all_rules(info.context.graph)


async def create(info: Info, rule: LinkageRule) -> LinkageRuleRow:
    return await linkage.create(info.context.graph, clean.linkage_rule(rule))


async def tasks(info: Info, customer_id: str) -> list[TaskRow]:
    return await info.context.loaders.customer_tasks.load(customer_id)
