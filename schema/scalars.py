"""DateTime and Date as the contract has them, and Neo4j temporal values made native.

DateTime: ISO 8601 with offset (`2025-03-01T08:00:00Z`); input without an offset is taken
as UTC, output is always UTC. Date: `YYYY-MM-DD`.
"""

from __future__ import annotations

from datetime import date, datetime

import neo4j.time
import strawberry
from strawberry.types.scalar import ScalarDefinition

from graph.cleansing import format_datetime, parse_date, parse_datetime


def _parse_datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"DateTime must be a string, got {value!r}")
    return parse_datetime(value, "DateTime")


def _parse_date(value: object) -> date:
    if not isinstance(value, str):
        raise ValueError(f"Date must be a string, got {value!r}")
    return parse_date(value, "Date")


SCALARS: dict[object, ScalarDefinition] = {
    datetime: strawberry.scalar(
        name="DateTime",
        description="ISO 8601 date and time with offset, e.g. 2025-03-01T08:00:00Z",
        serialize=format_datetime,
        parse_value=_parse_datetime,
    ),
    date: strawberry.scalar(
        name="Date",
        description="Calendar date, YYYY-MM-DD",
        serialize=date.isoformat,
        parse_value=_parse_date,
    ),
}


def as_datetime(value: object) -> datetime | None:
    """A stored DateTime (Neo4j's type) as Python's; None stays None."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    raise TypeError(f"expected a DateTime, got {value!r}")


def as_date(value: object) -> date | None:
    """A stored Date (Neo4j's type) as Python's; None stays None."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    raise TypeError(f"expected a Date, got {value!r}")


def must(value: datetime | None) -> datetime:
    """A DateTime the query guarantees (e.g. by coalesce)."""
    if value is None:
        raise TypeError("expected a DateTime, got null")
    return value
