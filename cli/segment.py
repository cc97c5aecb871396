"""`c360 segment`: saved segments from the command line (export for marketing tools)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.output import AsOf, create_owner_only, err_console, fail, run, user_errors
from core.settings import Settings
from graph.cleansing import parse_datetime
from graph.db import graph_session
from graph.segments.export import ExportFormat, members, write

app = typer.Typer(help="Saved segments: export their members.", no_args_is_help=True)


@app.command()
@user_errors
def export(
    segment_id: Annotated[str, typer.Argument(metavar="ID", help="The saved segment's id.")],
    export_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExportFormat.csv,
    as_of: AsOf = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write here instead of standard output.", dir_okay=False
        ),
    ] = None,
    masked: Annotated[
        bool,
        typer.Option(
            "--masked",
            help="Mask personal data (email, phone, birthDate) as the API does for analysts "
            "and viewers, for files that leave the team allowed to see it.",
        ),
    ] = False,
) -> None:
    """Write a saved segment's members (Customer properties, by id) as CSV or JSON Lines.

    Members are evaluated live at --as-of and streamed, so any segment size works.
    """
    moment = parse_datetime(as_of, "--as-of") if as_of else datetime.now(UTC)

    async def go() -> int:
        async with graph_session(Settings()) as graph:
            customers = members(graph, segment_id, moment)
            if output is None:
                return await write(customers, sys.stdout, export_format, masked=masked)
            # Written beside the target and renamed at the end: a failed export (unknown
            # segment, lost connection) never leaves a partial file that looks complete; it is
            # owner-only (personal data) and never written through a link planted at its name.
            partial = output.with_name(f".{output.name}.partial")
            try:
                with create_owner_only(partial, newline="") as out:
                    written = await write(customers, out, export_format, masked=masked)
                partial.replace(output)
            except OSError as e:
                raise fail(f"cannot write {output}: {e.strerror}") from None
            finally:
                partial.unlink(missing_ok=True)
            return written

    written = run(go())
    where = f" to {output}" if output else ""
    err_console.print(f"Exported {written:,} customers of segment {segment_id}{where}.")
