"""`c360 cypher`: run Cypher read-only for analysts, or a query of the analytics library."""

from __future__ import annotations

import csv
import enum
import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cli.output import console, err_console, fail, run, user_errors
from core.settings import Settings
from graph.analytics.library import library, library_query, parse_params
from graph.analytics.read_only import QueryResult, cell, plain, run_read_only
from graph.db import graph_session


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def register(app: typer.Typer) -> None:
    """Add `c360 cypher` to the root app."""
    app.command("cypher")(cypher_command)


@user_errors
def cypher_command(
    query: Annotated[
        str | None,
        typer.Argument(help="The Cypher to run (or use --file / --analytics).", show_default=False),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="A parameter NAME=VALUE (repeatable); VALUE is JSON when it parses, else text.",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Read the query from this file.", show_default=False),
    ] = None,
    analytics: Annotated[
        str | None,
        typer.Option(
            "--analytics",
            "-a",
            help="Run this query of the analytics library (see --list).",
            show_default=False,
        ),
    ] = None,
    list_library: Annotated[
        bool, typer.Option("--list", help="List the analytics library and exit.")
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.table,
) -> None:
    """Run Cypher read-only (Neo4j refuses any write) and print the rows.

    Examples:

      c360 cypher 'MATCH (c:Customer {city: $city}) RETURN c.id, c.name' --param city='"上海"'

      c360 cypher --file question.cypher --format csv > answer.csv

      c360 cypher --analytics dormant_high_value --param days=365 --format json
    """
    if list_library:
        _print_library()
        return
    sources = [s for s in (query is not None, file is not None, analytics is not None) if s]
    if len(sources) != 1:
        raise fail(
            "give exactly one of QUERY, --file or --analytics",
            hint="c360 cypher 'MATCH (c:Customer) RETURN count(c)'; c360 cypher --list",
        )
    params = parse_params(param or [])
    if analytics is not None:
        chosen = library_query(analytics)
        text, params = chosen.text, chosen.params(params)
    elif file is not None:
        text = _read(file)
    else:
        text = query or ""

    # Neo4j's warnings are printed below, once, as one line each; the driver would log them too.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)

    async def go() -> QueryResult:
        async with graph_session(Settings()) as graph:
            return await run_read_only(graph, text, params)

    result = run(go())
    for warning in result.warnings:
        line = Text.assemble(("warning: ", "yellow"), warning.removeprefix("warn: "))
        err_console.print(line, highlight=False, soft_wrap=True)
    if output_format is OutputFormat.json:
        rows = [dict(zip(result.columns, map(plain, row), strict=True)) for row in result.rows]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif output_format is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([cell(value) for value in row] for row in result.rows)
    else:
        _print_table(result)


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"{file}: no such file") from None
    except IsADirectoryError:
        raise fail(f"{file}: not a file") from None
    except UnicodeDecodeError:
        raise fail(f"{file}: not UTF-8 text") from None
    except OSError as e:
        raise fail(f"{file}: {e.strerror}") from None


def _print_table(result: QueryResult) -> None:
    count = len(result.rows)
    table = Table(caption=f"{count:,} row{'s' if count != 1 else ''}", caption_justify="left")
    for column in result.columns:
        table.add_column(Text(column), overflow="fold")
    for row in result.rows:
        table.add_row(*(Text("null", style="dim") if v is None else Text(cell(v)) for v in row))
    console.print(table)


def _print_library() -> None:
    table = Table(show_lines=True)
    # a name is what --analytics takes: whole on one line, however narrow the terminal
    table.add_column("name", no_wrap=True, min_width=max(map(len, library()), default=4))
    for header in ("question", "parameters (defaults)"):
        table.add_column(header, overflow="fold")
    for name, entry in library().items():
        params = "\n".join(
            f"{p.name}={json.dumps(p.default, ensure_ascii=False)}" for p in entry.parameters
        )
        table.add_row(Text(name), Text(entry.question), Text(params))
    console.print(table)
