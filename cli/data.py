"""`c360 import` and `c360 seed`: loading data (../shared/contract/import-format.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from cli.output import console, err_console, run, user_errors
from core.settings import Settings
from graph.db import graph_session
from graph.ingest.importer import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_WRITERS,
    MAX_REASONS,
    ImportReport,
    check_files,
    import_files,
)
from graph.ingest.seed import seed_graph
from graph.migrate import migrate

BatchSize = Annotated[
    int,
    typer.Option(min=1, max=100_000, help="Rows per transaction.", show_default=True),
]
Writers = Annotated[
    int,
    typer.Option(min=1, max=8, help="Transactions writing at once.", show_default=True),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    app.command("import")(import_command)
    app.command("seed")(seed_command)


@user_errors
def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="JSON Lines files, applied together.", show_default=False),
    ],
    batch_size: BatchSize = DEFAULT_BATCH_SIZE,
    writers: Writers = DEFAULT_WRITERS,
) -> None:
    """Apply JSON Lines files (see the import format), with progress and a summary.

    Every line is an idempotent upsert; a line may refer to one defined later. Invalid lines
    are listed as FILE:LINE: reason and skipped, and the exit status is then 1.
    """
    check_files(files)  # before connecting: a typo in a path fails fast

    async def go() -> ImportReport:
        async with graph_session(Settings()) as graph:
            await migrate(graph)  # constraints make the upserts fast; stages must exist
            with _progress(bytes_=True) as progress:
                task = progress.add_task("reading", total=None)

                def advance(done: int, total: int, description: str) -> None:
                    progress.update(task, completed=done, total=total, description=description)

                return await import_files(
                    graph, files, progress=advance, batch_size=batch_size, writers=writers
                )

    report = run(go())
    _print_report(report, "Imported")
    if not report.ok:
        raise typer.Exit(code=1)


@user_errors
def seed_command(
    customers: Annotated[
        int, typer.Option(min=0, help="How many customers to generate.", show_default=True)
    ] = 1000,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same graph.")
    ] = 42,
    batch_size: BatchSize = DEFAULT_BATCH_SIZE,
    writers: Writers = DEFAULT_WRITERS,
) -> None:
    """Generate a realistic demo graph (deterministic for a given seed).

    Customers, a tag taxonomy, products, interactions, tag assignments and lifecycle
    stages, loaded through the same path as `c360 import`. Runs `migrate` first.
    """

    async def go() -> ImportReport:
        async with graph_session(Settings()) as graph:
            await migrate(graph)
            with _progress(bytes_=False) as progress:
                task = progress.add_task("customers", total=customers)

                def advance(done: int, total: int) -> None:
                    progress.update(task, completed=done)

                return await seed_graph(
                    graph,
                    customers,
                    seed,
                    progress=advance,
                    batch_size=batch_size,
                    writers=writers,
                )

    report = run(go())
    _print_report(report, "Seeded")
    if not report.ok:  # generated data is valid: a rejection here is a bug worth showing
        raise typer.Exit(code=1)


def _progress(*, bytes_: bool) -> Progress:
    counts = (
        (DownloadColumn(), TransferSpeedColumn())
        if bytes_
        else (MofNCompleteColumn(), TextColumn("customers"))
    )
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        *counts,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,  # no bar in logs and pipes
    )


def _print_report(report: ImportReport, verb: str) -> None:
    for rejection in report.rejections:
        err_console.print(str(rejection), highlight=False, markup=False, soft_wrap=True)
    if report.rejected > len(report.rejections):
        err_console.print(
            f"... and {report.rejected - len(report.rejections)} more rejected lines "
            f"(only the first {MAX_REASONS} are listed)",
            highlight=False,
        )
    table = Table(title=f"{verb} {report.lines:,} lines", title_justify="left")
    table.add_column("kind")
    table.add_column("applied", justify="right")
    for kind, count in report.applied.items():
        table.add_row(kind, f"{count:,}")
    if report.skipped_stages:
        table.add_row("stage (skipped: not newer)", f"{report.skipped_stages:,}")
    if report.matched_existing:
        table.add_row(
            "customer (new, like an existing one)", f"{report.matched_existing:,}", style="yellow"
        )
    table.add_row("rejected", f"{report.rejected:,}", style="bold red" if report.rejected else "")
    table.add_row("tag events dispatched", f"{report.events:,}", style="dim")
    console.print(table)
    console.print(
        f"{verb} {report.lines:,} lines in {report.seconds:.1f} s "
        f"({report.lines_per_second:,.0f} lines/s).",
        highlight=False,
    )
    if report.new_tags:
        names = ", ".join(sorted(report.new_tags)[:10]) + (
            ", ..." if len(report.new_tags) > 10 else ""
        )
        console.print(
            f"{len(report.new_tags):,} new tags without a description ({names}): describe them "
            "with the API's updateTag (tagHealth lists the undescribed).",
            highlight=False,
        )
    if report.matched_existing:
        console.print(
            f"{report.matched_existing:,} new customers share an email, a phone, or a name and "
            "birthDate with another customer: nothing was merged; the API's duplicateCustomers "
            "lists them.",
            highlight=False,
        )
    if report.rejected:
        err_console.print(
            f"[bold red]error:[/] {report.rejected:,} of {report.lines:,} lines rejected",
            highlight=False,
        )
