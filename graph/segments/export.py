"""A saved segment's members as CSV or JSON Lines, for marketing tools (`c360 segment export`).

Rows stream from one query straight to the output, so memory stays flat for any segment size.
Columns are the graph model's Customer properties, always in this order, so a spreadsheet or a
mailing tool sees the same header whatever the data holds. A CSV cell that a spreadsheet would
run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return; imported
names and notes are anyone's text) is written with a leading `'`, which spreadsheets show as
text (OWASP's advice against formula injection); JSON Lines keep the values as they are.
"""

from __future__ import annotations

import csv
import enum
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, TextIO

import orjson
from neo4j.time import Date, DateTime

from core.errors import NotFound
from graph.db import Graph
from graph.model import CUSTOMER_MODEL
from graph.rows import CustomerRow
from graph.segments import saved
from graph.segments.compiler import compile_segment
from graph.segments.definition import Definition, load_definition
from graph.segments.evaluation import check
from security.masking import mask_value

COLUMNS = CUSTOMER_MODEL


class ExportFormat(enum.StrEnum):
    csv = "csv"
    jsonl = "jsonl"


def _plain(value: Any) -> Any:
    """Neo4j temporal values as ISO 8601 text; everything else as it is."""
    if isinstance(value, DateTime | Date):
        return value.iso_format()
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _row(customer: CustomerRow, masked: bool) -> dict[str, Any]:
    row = {column: _plain(customer.get(column)) for column in COLUMNS}
    if masked:  # the same masks as the API's for roles without personal data
        row.update({key: mask_value(key, row[key]) for key in ("email", "phone", "birthDate")})
    return row


async def members(graph: Graph, segment_id: str, as_of: datetime) -> AsyncIterator[CustomerRow]:
    """The saved segment's members at `as_of`, by id; NotFound for an unknown segment id."""
    segment = await saved.by_id(graph, segment_id)
    if segment is None:
        raise NotFound("segment", segment_id, field="id")
    definition = load_definition(segment["definition"])
    async for customer in stream(graph, definition, as_of):
        yield customer


async def stream(
    graph: Graph, definition: Definition, as_of: datetime, batch: int = 1000
) -> AsyncIterator[CustomerRow]:
    """Every member's properties by id, streamed from one auto-commit query (any size)."""
    definition = await check(graph, definition)
    segment = compile_segment(definition, as_of)
    rows = graph.stream("segments/export", segment.export_query, batch=batch, **segment.params)
    async for row in rows:
        yield row["customer"]


async def write(
    customers: AsyncIterator[CustomerRow],
    out: TextIO,
    export_format: ExportFormat,
    *,
    masked: bool = False,
) -> int:
    """Write every customer to `out` (personal data masked when `masked`); returns how many
    were written."""
    written = 0
    if export_format is ExportFormat.csv:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        async for customer in customers:
            writer.writerow({key: _cell(value) for key, value in _row(customer, masked).items()})
            written += 1
    else:
        async for customer in customers:
            out.write(orjson.dumps(_row(customer, masked)).decode() + "\n")
            written += 1
    return written
