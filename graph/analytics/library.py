"""The analytics library: `cypher/analytics/*.cypher`, documented by their own headers.

Each file starts with a `//` header:

    // The question it answers (one or more lines).
    //
    // Parameters:
    //   $name = <JSON default>  what it means
    // Columns:
    //   column  what it holds

`library()` parses those headers, so a query's defaults and documentation live in one place.
`--param NAME=VALUE` values are parsed here too (`parse_param`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from core.errors import BadUserInput, NotFound
from graph.queries import all_queries, params_of

LIBRARY = "analytics"
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

    @property
    def body(self) -> str:
        """The query without its header (what the header documents)."""
        lines = self.text.splitlines()
        while lines and lines[0].startswith("//"):
            lines.pop(0)
        return "\n".join(lines).strip()

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
