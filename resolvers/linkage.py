"""Linkage rules: list, create, redefine, enable, delete (see `graph.rules.linkage`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from core.errors import BadUserInput
from graph.model import LinkageAction
from graph.rows import LinkageRuleRow, TaskRow
from graph.rules import linkage
from graph.rules.linkage import LinkageRule
from resolvers import clean
from resolvers.context import Info
from security.roles import Area
from security.signing import webhook_secret


async def rules(info: Info) -> list[LinkageRuleRow]:
    return await linkage.all_rules(info.context.graph)


async def create(info: Info, rule: LinkageRule) -> LinkageRuleRow:
    return await linkage.create(info.context.graph, _signable(info, clean.linkage_rule(rule)))


def _signable(info: Info, rule: LinkageRule) -> LinkageRule:
    """A webhook is only sent signed: without a secret, no CALL_WEBHOOK rule is taken."""
    if rule.action == LinkageAction.CALL_WEBHOOK and webhook_secret(info.context.settings) is None:
        raise BadUserInput("input.action", "CALL_WEBHOOK needs C360_WEBHOOK_SECRET on the server")
    return rule


async def update(info: Info, rule_id: str, rule: LinkageRule) -> LinkageRuleRow:
    return await linkage.update(
        info.context.graph, rule_id, _signable(info, clean.linkage_rule(rule))
    )


async def set_enabled(info: Info, rule_id: str, enabled: bool) -> LinkageRuleRow:
    return await linkage.set_enabled(info.context.graph, rule_id, enabled)


async def delete(info: Info, rule_id: str) -> bool:
    return await linkage.delete(info.context.graph, rule_id)


def shown_url(info: Info, url: str | None) -> str | None:
    """The webhook address for whoever may change linkage rules; its origin for others."""
    principal = info.context.principal
    if url is None or (principal is not None and principal.may_write(Area.LINKAGE_RULES)):
        return url
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…"


async def tasks(info: Info, customer_id: str) -> list[TaskRow]:
    return await info.context.loaders.customer_tasks.load(customer_id)
