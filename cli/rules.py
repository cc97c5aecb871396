"""`c360 rules`: tag rules (dynamic tags kept equal to a segment definition)."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from cli.output import AsOf, console, run, user_errors
from core.settings import Settings
from graph.cleansing import parse_datetime
from graph.db import graph_session
from graph.migrate import migrate
from graph.rows import TagRuleRow
from graph.rules.defaults import Installed, install
from graph.rules.tag_rules import RuleRun, all_rules, run_rules

app = typer.Typer(help="Tag rules: list them, run them.", no_args_is_help=True)


@app.command("run")
@user_errors
def run_command(
    as_of: AsOf = None,
) -> None:
    """Run every enabled rule (one transaction each, in creation order) and report changes.

    Each rule's tag ends up held, with source RULE, by exactly the customers its definition
    matches; hand-made and imported assignments are never touched. Running again changes
    nothing.
    """
    moment: datetime | None = parse_datetime(as_of, "--as-of") if as_of else None

    async def go() -> list[RuleRun]:
        async with graph_session(Settings()) as graph:
            return await run_rules(graph, moment)

    runs = run(go())
    if not runs:
        console.print("No enabled tag rules.")
        return
    table = Table("rule", "tag", "added", "removed")
    for rule_run in runs:
        rule = rule_run.rule
        table.add_row(
            rule["name"], rule["tag"]["name"], f"{rule_run.added:,}", f"{rule_run.removed:,}"
        )
    console.print(table)
    added = sum(r.added for r in runs)
    removed = sum(r.removed for r in runs)
    console.print(f"Ran {len(runs)} rules: {added:,} assignments added, {removed:,} removed.")


@app.command("list")
@user_errors
def list_command() -> None:
    """Every tag rule, in the order runs take."""

    async def go() -> list[TagRuleRow]:
        async with graph_session(Settings()) as graph:
            return await all_rules(graph)

    rules = run(go())
    table = Table("id", "name", "tag", "enabled", "last run", "definition")
    for rule in rules:
        last = rule.get("lastRunAt")
        table.add_row(
            str(rule["id"]),
            str(rule["name"]),
            str(rule["tag"]["name"]),
            "yes" if rule["enabled"] else "no",
            last.iso_format() if last is not None else "never",
            str(rule["definition"]),
        )
    console.print(table)


@app.command("install-defaults")
@user_errors
def install_defaults_command() -> None:
    """Install the default rule set: value tiers (RFM), purchase status, interests.

    Missing tags and rules are created; rules already there (edited or not) are kept, so
    running it again changes nothing. The rules take effect at the next `c360 rules run`.
    """

    async def go() -> Installed:
        async with graph_session(Settings()) as graph:
            await migrate(graph)
            return await install(graph)

    report = run(go())
    for name in report.rules_created:
        console.print(f"  created rule {name}")
    console.print(
        f"Default rules: {len(report.rules_created)} created, {len(report.rules_kept)} already "
        f"there; {len(report.tags_created)} tags created. Run `c360 rules run` to apply them.",
        highlight=False,
    )
