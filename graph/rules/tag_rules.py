"""Tag rules: dynamic tags kept equal to a segment definition (docs/tags.md).

A rule `(:TagRule)-[:KEEPS]->(:Tag)` holds a SegmentDefinition. A run makes the rule's tag,
with source RULE, held by exactly the customers the definition matches at `asOf`: it adds the
tag to members who lack it and takes it from customers *this rule* tagged who no longer
match. Assignments made by hand, by an import or by another rule are never touched, so a
member who already holds the tag keeps that assignment as it is.

Each rule runs in one transaction of its own, which locks the rule, reads the members (the
segmentation compiler's query), reads the current holders and writes the difference: a run is
all or nothing per rule, running again at the same `asOf` changes nothing, and runs of one
rule started at once in several processes take turns (the later one adds nothing twice).
Rules run in creation order, so a rule may use a tag that an earlier rule keeps.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from core.errors import BadUserInput, NotFound
from graph.db import Graph, Tx
from graph.rows import TagRuleRow
from graph.segments import Definition, compile_segment, evaluation, tag_names
from graph.segments.definition import definition_text, load_definition
from graph.tags import events as tag_events
from graph.tags import taxonomy


@dataclass(frozen=True)
class RuleRun:
    """What one rule's run changed."""

    rule: TagRuleRow
    added: int
    removed: int


async def create(graph: Graph, name: str, tag: str, definition: Definition) -> TagRuleRow:
    """A new enabled rule keeping `tag` (a name or alias) equal to the definition."""
    kept = (await taxonomy.require(graph, {tag: "tag"}))[tag]
    if kept.tag.get("status") == "DEPRECATED":
        raise BadUserInput("tag", f"tag {kept.name!r} is deprecated and cannot be assigned")
    await _check_definition(graph, definition, kept)
    row = await graph.write_one(
        "rules/create",
        id=f"rule-{uuid.uuid4().hex[:12]}",
        ruleName=name,
        tagName=kept.name,
        definition=definition_text(definition),
    )
    assert row is not None
    if row["duplicate"]:
        raise BadUserInput("name", f"a tag rule named {name!r} already exists")
    if row["rule"] is None:  # the tag was renamed or merged away meanwhile
        raise BadUserInput("tag", f"unknown tag {tag!r}")
    rule: TagRuleRow = row["rule"]
    return rule


async def _check_definition(graph: Graph, definition: Definition, kept: taxonomy.Resolved) -> None:
    """Known tags and products only, and none the rule's own output decides: its tag, or a
    tag above it (which the tag's holders satisfy)."""
    resolved = await evaluation.check(graph, definition)
    for used, path in tag_names(resolved).items():
        if used == kept.name or used in kept.above:
            raise BadUserInput(path, f"the rule's own tag {kept.name!r} is held because of "
                               "this rule; a definition cannot depend on it")  # fmt: skip


async def update(
    graph: Graph, rule_id: str, name: str | None, definition: Definition | None
) -> TagRuleRow:
    """A new name and/or definition for a rule; its tag and assignments stay until a run."""
    rule = await by_id(graph, rule_id)
    text = None
    if definition is not None:
        kept = (await taxonomy.require(graph, {rule["tag"]["name"]: "id"}))[rule["tag"]["name"]]
        await _check_definition(graph, definition, kept)
        text = definition_text(definition)
    row = await graph.write_one("rules/update", id=rule_id, ruleName=name, definition=text)
    if row is None:
        raise NotFound("tag rule", rule_id, field="id")
    if row["duplicate"]:
        raise BadUserInput("name", f"a tag rule named {name!r} already exists")
    updated: TagRuleRow = row["rule"]
    return updated


async def by_id(graph: Graph, rule_id: str) -> TagRuleRow:
    row = await graph.read_one("rules/by_id", id=rule_id)
    if row is None:
        raise NotFound("tag rule", rule_id, field="id")
    rule: TagRuleRow = row["rule"]
    return rule


async def all_rules(graph: Graph) -> list[TagRuleRow]:
    return [row["rule"] for row in await graph.read("rules/all")]


async def set_enabled(graph: Graph, rule_id: str, enabled: bool) -> TagRuleRow:
    row = await graph.write_one("rules/set_enabled", id=rule_id, enabled=enabled)
    if row is None:
        raise NotFound("tag rule", rule_id, field="id")
    rule: TagRuleRow = row["rule"]
    return rule


async def run_rules(graph: Graph, as_of: datetime | None = None) -> list[RuleRun]:
    """Run every enabled rule at `as_of` (default now), one transaction each, in order."""
    moment = as_of or datetime.now(UTC)
    runs = []
    for rule in await all_rules(graph):
        if rule["enabled"]:
            runs.append(await run_rule(graph, rule, moment))
    await tag_events.dispatch(graph)  # the gains fire their linkage rules
    return runs


async def run_rule(graph: Graph, rule: TagRuleRow, as_of: datetime) -> RuleRun:
    """One rule, in one transaction: members at `as_of` against the current holders."""
    definition = await evaluation.check(
        graph, load_definition(rule["definition"], f"rule {rule['name']!r}")
    )

    async def work(tx: Tx) -> RuleRun:
        await tx.run("rules/lock", ruleId=rule["id"], now=datetime.now(UTC))
        members = await _members(tx, definition, as_of)
        [holders] = await tx.run("rules/holders", ruleId=rule["id"])
        held, ruled = set(holders["held"]), set(holders["ruled"])
        [row] = await tx.run(
            "rules/apply",
            ruleId=rule["id"],
            add=sorted(members - held),
            remove=sorted(ruled - members),
            now=datetime.now(UTC),
        )
        return RuleRun(row["rule"], row["added"], row["removed"])

    return await graph.in_transaction(work)


async def _members(tx: Tx, definition: Definition, as_of: datetime) -> set[str]:
    segment = compile_segment(definition, as_of)
    ids_query = f"{segment.match}\nRETURN c.id AS id"  # the compiler's MATCH, ids only
    rows = await tx.run_text("rules/members", ids_query, **segment.params)
    return {row["id"] for row in rows}
