"""`c360 cypher`: analysts' Cypher, run read-only, and the analytics library.

An analyst's query runs in a READ access-mode transaction (`execute_read` in a session whose
default access mode is READ), so the Neo4j server itself refuses anything that writes: CREATE,
MERGE, SET, DELETE, schema commands, write procedures, administration commands that change the
system database. Nothing here inspects the query text to decide; the server's refusal is the
guarantee, and it is reported as one line ("c360 cypher is read-only: ...").

The analytics library is `cypher/analytics/*.cypher`. Each file starts with a `//` header:

    // The question it answers (one or more lines).
    //
    // Parameters:
    //   $name = <JSON default>  what it means
    // Columns:
    //   column  what it holds

`library()` parses those headers, so a query's defaults and documentation live in one place.
Values are converted for output by `plain` (JSON-ready: temporal values as ISO 8601 text,
nodes and relationships as dicts of their properties plus `_labels` / `_type`).
"""

from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import neo4j
from neo4j import AsyncManagedTransaction
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from neo4j.time import Date, DateTime, Duration, Time

from graph.db import Graph
from graph.errors import BadUserInput, GraphUnavailable, NotFound, QueryError
from graph.queries import all_queries, params_of

LIBRARY = "analytics"
_ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"
_TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# -- parameters -----------------------------------------------------------------------------


def parse_param(text: str) -> tuple[str, Any]:
    """`k=v` from `--param`: v as JSON when it is valid JSON, else as plain text."""
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep:
        raise BadUserInput("--param", f"{text!r} is not NAME=VALUE (e.g. --param days=180)")
    if not _PARAM_NAME.fullmatch(name):
        raise BadUserInput("--param", f"{name!r} is not a parameter name (letters, digits, _)")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return name, value


def parse_params(texts: list[str]) -> dict[str, Any]:
    """Every `--param`, the last one winning when a name repeats."""
    return dict(parse_param(text) for text in texts)


# -- the analytics library ------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any
    description: str


@dataclass(frozen=True)
class Column:
    name: str
    description: str


@dataclass(frozen=True)
class LibraryQuery:
    name: str  # e.g. "dormant_high_value" for cypher/analytics/dormant_high_value.cypher
    question: str
    parameters: tuple[Parameter, ...]
    columns: tuple[Column, ...]
    text: str

    def params(self, given: dict[str, Any]) -> dict[str, Any]:
        """The defaults overridden by `given`; an unknown name is an error (a typo would
        otherwise be ignored silently)."""
        known = {p.name for p in self.parameters}
        unknown = sorted(given.keys() - known)
        if unknown:
            takes = ", ".join(sorted(known)) or "no parameters"
            raise BadUserInput(
                "--param", f"{LIBRARY}/{self.name} has no parameter {unknown[0]!r} (takes {takes})"
            )
        return {p.name: p.default for p in self.parameters} | given


_DECODER = json.JSONDecoder()
_PARAM_LINE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)\s*=\s*")
_COLUMN_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s+(.*)")


class LibraryFormatError(ValueError):
    """A library file whose header does not follow the format (a bug in the library)."""


def _header(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        lines.append(line[2:].strip())
    return lines


def parse_library_query(name: str, text: str) -> LibraryQuery:
    lines = _header(text)
    where = f"cypher/{LIBRARY}/{name}.cypher"
    try:
        params_at = lines.index("Parameters:") if "Parameters:" in lines else None
        columns_at = lines.index("Columns:")
    except ValueError:
        raise LibraryFormatError(f"{where}: the header has no 'Columns:' section") from None
    question_end = params_at if params_at is not None else columns_at
    question = " ".join(line for line in lines[:question_end] if line).strip()
    if not question:
        raise LibraryFormatError(f"{where}: the header does not say what question it answers")
    parameters = []
    if params_at is not None:
        for line in lines[params_at + 1 : columns_at]:
            if not line:
                continue
            match = _PARAM_LINE.match(line)
            if match is None:
                raise LibraryFormatError(f"{where}: not '$name = default  text': {line!r}")
            try:
                default, end = _DECODER.raw_decode(line, match.end())
            except ValueError:
                raise LibraryFormatError(f"{where}: default is not JSON: {line!r}") from None
            parameters.append(Parameter(match.group(1), default, line[end:].strip()))
    columns = []
    for line in lines[columns_at + 1 :]:
        if not line:
            continue
        column = _COLUMN_LINE.fullmatch(line)
        if column is None:
            raise LibraryFormatError(f"{where}: not 'column  text': {line!r}")
        columns.append(Column(column.group(1), column.group(2).strip()))
    return LibraryQuery(name, question, tuple(parameters), tuple(columns), text)


@cache
def library() -> dict[str, LibraryQuery]:
    """The analytics library by name, in name order."""
    prefix = f"{LIBRARY}/"
    return {
        key.removeprefix(prefix): parse_library_query(key.removeprefix(prefix), text)
        for key, text in all_queries().items()
        if key.startswith(prefix)
    }


def library_query(name: str) -> LibraryQuery:
    try:
        return library()[name.removeprefix(f"{LIBRARY}/").removesuffix(".cypher")]
    except KeyError:
        raise NotFound("analytics query", name, field="--analytics") from None


def documented_params_match(query: LibraryQuery) -> bool:
    """The header documents exactly the `$parameters` the query uses."""
    return {p.name for p in query.parameters} == params_of(f"{LIBRARY}/{query.name}")


# -- running read-only ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]  # raw driver values, one list per record, in column order
    warnings: list[str]  # Neo4j's warnings about the query (e.g. an unknown property key)


def _one_line(error: Neo4jError) -> str:
    message = error.message or str(error)
    return " ".join(message.splitlines()[0].split()) if message.strip() else str(error.code)


async def run_read_only(graph: Graph, text: str, params: dict[str, Any]) -> QueryResult:
    """Run an analyst's Cypher in a READ transaction; Neo4j refuses any write."""
    text = text.strip()
    if text.endswith(";"):  # cypher-shell style; the last statement's terminator
        text = text[:-1].rstrip()
    if not text:
        raise BadUserInput("QUERY", "the query is empty")

    @neo4j.unit_of_work(timeout=graph.timeout_s, metadata={"app": "c360", "query": "cypher"})
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

    try:
        async with graph.driver.session(
            database=graph.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            return await session.execute_read(work)
    except (ServiceUnavailable, SessionExpired, AuthError) as e:
        raise GraphUnavailable(f"Neo4j is not reachable: {e}") from e
    except Neo4jError as e:
        code = e.code or ""
        if code == _ACCESS_MODE:
            reason = f"c360 cypher is read-only: Neo4j refused to write ({_one_line(e)})"
            raise QueryError(reason) from None
        if code.startswith(_TIMED_OUT):
            raise QueryError(
                f"the query ran longer than {graph.timeout_s:g} s and was stopped "
                "(set C360_QUERY_TIMEOUT to allow longer)"
            ) from None
        raise QueryError(_one_line(e)) from None
    except DriverError as e:
        raise GraphUnavailable(f"Neo4j driver error: {e}") from e


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
