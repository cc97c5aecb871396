"""Tag rules: list, create, enable or disable, run (see `graph.rules.tag_rules`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.errors import NotFound
from graph.cleansing import normalize_label, normalize_name
from graph.rows import TagRuleRow
from graph.rules import tag_rules
from graph.rules.tag_rules import RuleRun
from graph.segments import parse_definition
from resolvers.context import Info


async def rules(info: Info) -> list[TagRuleRow]:
    return await tag_rules.all_rules(info.context.graph)


async def create(info: Info, name: str, tag: str, definition: dict[str, Any]) -> TagRuleRow:
    kept = normalize_name(tag, "tag")
    clean_name = normalize_label(name, "name")
    return await tag_rules.create(
        info.context.graph, clean_name, kept, parse_definition(definition)
    )


async def update(
    info: Info, rule_id: str, name: str | None, definition: dict[str, Any] | None
) -> TagRuleRow:
    clean_name = None if name is None else normalize_label(name, "name")
    parsed = None if definition is None else parse_definition(definition)
    return await tag_rules.update(info.context.graph, rule_id.strip(), clean_name, parsed)


async def set_enabled(info: Info, rule_id: str, enabled: bool) -> TagRuleRow:
    if not rule_id.strip():
        raise NotFound("tag rule", rule_id, field="id")
    return await tag_rules.set_enabled(info.context.graph, rule_id.strip(), enabled)


async def run(info: Info, as_of: datetime | None) -> list[RuleRun]:
    return await tag_rules.run_rules(info.context.graph, as_of or info.context.now)
