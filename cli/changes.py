"""`c360 prune-changes`: the change log's retention, run by hand (docs/operations.md).

`c360 serve` prunes on its own every few minutes; this is for a database no server runs
against, or to prune now, or with another period than C360_CHANGE_RETENTION_DAYS.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.output import console, run, user_errors
from core.settings import Settings
from graph import changes
from graph.db import graph_session


def register(app: typer.Typer) -> None:
    app.command("prune-changes")(prune_changes)


@user_errors
def prune_changes(
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            min=0,
            help="Delete events older than this many days (default: C360_CHANGE_RETENTION_DAYS).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Delete the change log's events older than the retention period, a thousand per
    transaction; tag events (the customers' tag history) and undispatched events stay."""
    settings = Settings()
    keep_days = settings.change_retention_days if days is None else days
    if keep_days == 0:
        console.print("Retention is off (0 days): every event is kept.")
        return

    async def go() -> changes.PruneReport:
        async with graph_session(settings) as graph:
            return await changes.prune(graph, changes.retention_cutoff(keep_days))

    report = run(go())
    console.print(
        f"Deleted {report.deleted:,} change events older than {keep_days} days "
        f"(looked at {report.scanned:,}; tag events are kept).\n"
        f"Deleted {report.deliveries:,} webhook deliveries done before then.",
        highlight=False,
    )
