"""Analysts' Cypher, run read-only (`c360 cypher`), and its values made plain for output.

An analyst's query runs in a READ access-mode transaction (`execute_read` in a session whose
default access mode is READ), so the Neo4j server itself refuses anything that writes: CREATE,
MERGE, SET, DELETE, schema commands, write procedures, administration commands that change the
system database. Nothing here inspects the query text to decide; the server's refusal is the
guarantee, and it is reported as one line ("c360 cypher is read-only: ...").

Values are converted for output by `plain` (JSON-ready: temporal values as ISO 8601 text,
nodes and relationships as dicts of their properties plus `_labels` / `_type`).
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from typing import Any

from neo4j import AsyncManagedTransaction
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from core.errors import BadUserInput
from graph.db import Graph


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]  # raw driver values, one list per record, in column order
    warnings: list[str]  # Neo4j's warnings about the query (e.g. an unknown property key)


async def run_read_only(graph: Graph, text: str, params: dict[str, Any]) -> QueryResult:
    """Run an analyst's Cypher in a READ transaction; Neo4j refuses any write."""
    text = text.strip()
    if text.endswith(";"):  # cypher-shell style; the last statement's terminator
        text = text[:-1].rstrip()
    if not text:
        raise BadUserInput("QUERY", "the query is empty")

    async def work(tx: AsyncManagedTransaction) -> QueryResult:
        result = await tx.run(text, params)
        columns = list(result.keys())
        rows = [list(record.values()) async for record in result]
        summary = await result.consume()
        warnings = [
            status.status_description
            for status in summary.gql_status_objects
            if status.raw_severity == "WARNING"
        ]
        return QueryResult(columns, rows, warnings)

    return await graph.read_only("cypher", work, analyst=True)


# -- values for output ----------------------------------------------------------------------


def _iso(value: DateTime | Date | Time) -> str:
    if isinstance(value, Date):
        return value.iso_format()
    # Microsecond precision as Python writes it (no trailing zeros) unless nanoseconds matter.
    text = value.to_native().isoformat() if value.nanosecond % 1000 == 0 else value.iso_format()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def plain(value: Any) -> Any:
    """A driver value as JSON-ready Python: ISO 8601 text for temporal values, nodes and
    relationships as their properties plus `_labels` / `_type`, paths as the alternating list
    of their nodes and relationships, non-finite floats as text ('NaN', 'Infinity')."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, DateTime | Date | Time):
        return _iso(value)
    if isinstance(value, Duration):
        return value.iso_format()
    if isinstance(value, Node):
        props = {key: plain(v) for key, v in value.items()}
        return {"_labels": sorted(value.labels)} | props
    if isinstance(value, Relationship):
        props = {key: plain(v) for key, v in value.items()}
        return {"_type": value.type} | props
    if isinstance(value, Path):
        items: list[Any] = [plain(value.nodes[0])]
        for rel, node in zip(value.relationships, value.nodes[1:], strict=True):
            items += [plain(rel), plain(node)]
        return items
    if isinstance(value, Point):
        axes = ("x", "y", "z")
        return {"srid": value.srid} | {axis: plain(v) for axis, v in zip(axes, value, strict=False)}
    if isinstance(value, dict):
        return {str(key): plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    return str(value)


def cell(value: Any) -> str:
    """One value as text for a table or CSV cell: nested values JSON-encoded."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
