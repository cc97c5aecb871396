"""`c360 merge-duplicates` and `c360 erase`: one customer, one record (docs/data-quality.md).

Both write through the same graph functions as the API's mutations (`graph.customers.merge`,
`graph.erasure.erase`), one transaction per group or customer, each with an audit entry whose
actor is `cli`.
"""

from __future__ import annotations

import functools
import json
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.output import console, err_console, fail, run, user_errors
from core.errors import NotFound
from core.settings import Settings
from graph import audit, erasure
from graph import customers as graph_customers
from graph.db import Graph, graph_session
from graph.duplicates import REASONS, DuplicateGroup, duplicate_groups, survivors

ACTOR = "cli"


def register(app: typer.Typer) -> None:
    app.command("merge-duplicates")(merge_duplicates)
    app.command("erase")(erase)


async def _record(graph: Graph, action: str, arguments: dict[str, object]) -> None:
    text = json.dumps(arguments, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    await audit.record(graph, audit.Entry(actor=ACTOR, action=action, arguments=text))


def _keys(text: str) -> frozenset[str]:
    keys = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(keys - set(REASONS))
    if unknown or not keys:
        raise fail(f"--by: {', '.join(unknown) or 'nothing'} is not one of {', '.join(REASONS)}")
    return keys


@user_errors
def merge_duplicates(
    apply: Annotated[
        bool,
        typer.Option("--apply/--dry-run", help="Merge (--apply), or only show what would merge."),
    ] = False,
    by: Annotated[
        str, typer.Option(help="What makes duplicates, comma-separated.", show_default=True)
    ] = ",".join(REASONS),
) -> None:
    """Merge every group of duplicate customers (duplicateCustomers) into its oldest customer
    (the earliest createdAt, then the smallest id), one transaction per group, as the API's
    mergeCustomers does. --dry-run (the default) lists the groups and changes nothing."""
    keys = _keys(by)

    async def go() -> tuple[list[DuplicateGroup], list[str], int]:
        async with graph_session(Settings()) as graph:
            groups = await duplicate_groups(graph, keys)
            into = await survivors(graph, groups)
            merged = 0
            if apply and groups:
                with _progress() as progress:
                    task = progress.add_task("merging", total=len(groups))
                    for group, survivor in zip(groups, into, strict=True):
                        sources = {c: c for c in group.ids if c != survivor}
                        await graph.atomically(functools.partial(_merge, graph, survivor, sources))
                        merged += len(sources)
                        progress.advance(task)
            return groups, into, merged

    groups, into, merged = run(go())
    table = Table(title=f"{len(groups):,} groups of duplicates (by {by})", title_justify="left")
    for column in ("into", "merged", "shared"):
        table.add_column(column)
    for group, survivor in list(zip(groups, into, strict=True))[:50]:
        others = ", ".join(c for c in group.ids if c != survivor)
        table.add_row(survivor, others, ", ".join(group.reasons))
    console.print(table)
    if len(groups) > 50:
        console.print(f"... and {len(groups) - 50:,} more groups", highlight=False)
    customers = sum(len(group.ids) - 1 for group in groups)
    if apply:
        console.print(f"Merged {merged:,} customers into {len(groups):,}.", highlight=False)
    else:
        console.print(
            f"Would merge {customers:,} customers into {len(groups):,} (dry run: nothing "
            "changed; --apply merges).",
            highlight=False,
        )


async def _merge(graph: Graph, survivor: str, sources: dict[str, str]) -> None:
    await graph_customers.merge(graph, survivor, sources, ACTOR)
    await _record(graph, "mergeCustomers", {"from": list(sources), "into": survivor})


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("groups"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,  # no bar in logs and pipes
    )


@user_errors
def erase(
    ids: Annotated[list[str], typer.Argument(help="Customer ids.", show_default=False)],
) -> None:
    """Erase customers (the right to erasure, PIPL art. 47, GDPR art. 17): each one, its
    interactions, tag assignments, tasks and history deleted, its personal data removed from
    the audit trail, one transaction each; an audit entry records it (actor `cli`). An
    unknown id is reported, and the exit status is then 1."""

    async def go() -> list[str]:
        missing = []
        async with graph_session(Settings()) as graph:
            for customer_id in ids:
                try:
                    await graph.atomically(functools.partial(_erase, graph, customer_id))
                except NotFound:
                    missing.append(customer_id)
                else:
                    console.print(f"Erased {customer_id}.", highlight=False)
        return missing

    missing = run(go())
    if missing:
        raise fail(f"no customer {', '.join(missing)} (unknown, or erased before)")


async def _erase(graph: Graph, customer_id: str) -> None:
    current = (await graph_customers.current_ids(graph, [customer_id]))[customer_id]
    await erasure.erase(graph, current, ACTOR)
    await _record(graph, "eraseCustomer", {"id": customer_id})
