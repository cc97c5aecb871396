"""Tag rules: list, create, enable or disable, run (see `graph.rules.tag_rules`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.errors import NotFound
from graph.cleansing import normalize_name
from graph.db import Record
from graph.rules import tag_rules
from graph.rules.tag_rules import RuleRun
from schema.context import Info


async def rules(info: Info) -> list[Record]:
    return await tag_rules.all_rules(info.context.graph)


async def create(info: Info, name: str, tag: str, definition: dict[str, Any]) -> Record:
    rule = await tag_rules.create(info.context.graph, name, normalize_name(tag, "tag"), definition)
    info.context.loaders.clear_all()
    return rule


async def update(
    info: Info, rule_id: str, name: str | None, definition: dict[str, Any] | None
) -> Record:
    rule = await tag_rules.update(info.context.graph, rule_id.strip(), name, definition)
    info.context.loaders.clear_all()
    return rule


async def set_enabled(info: Info, rule_id: str, enabled: bool) -> Record:
    if not rule_id.strip():
        raise NotFound("tag rule", rule_id, field="id")
    rule = await tag_rules.set_enabled(info.context.graph, rule_id.strip(), enabled)
    info.context.loaders.clear_all()
    return rule


async def run(info: Info, as_of: datetime | None) -> list[RuleRun]:
    runs = await tag_rules.run_rules(info.context.graph, as_of or info.context.now)
    info.context.loaders.clear_all()
    return runs
