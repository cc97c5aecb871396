"""Query.stageTransitions and Query.journey (graph/journeys.py).

A journey's definition goes through the segments' own path: parsed (`parse_definition`),
refused for a masked role when it filters on personal fields (`evaluated_at`), its tag
names and product ids checked (unknown: BAD_USER_INPUT naming the path), compiled by the
request's compiler, evaluated now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.errors import BadUserInput
from graph import journeys
from graph.cleansing import format_datetime
from graph.segments import evaluation, parse_definition
from resolvers.context import Info
from resolvers.segments import evaluated_at


async def stage_transitions(
    info: Info, start: datetime | None, end: datetime | None
) -> list[journeys.Transition]:
    """The moves entered in [start, end); `to` before `from` is BAD_USER_INPUT."""
    if start is not None and end is not None and end < start:
        raise BadUserInput("to", f"must not be before from ({format_datetime(start)})")
    return await journeys.stage_transitions(info.context.graph, start, end)


async def journey(info: Info, raw: dict[str, Any] | None) -> list[journeys.JourneyStep]:
    """Every stage in order for the definition's customers (everyone without one)."""
    if raw is None:
        return await journeys.journey(info.context.graph, None)
    definition = parse_definition(raw)
    moment = evaluated_at(info, definition, None)
    checked = await evaluation.check(info.context.graph, definition)
    segment = info.context.loaders.compile_segment(checked, moment)
    return await journeys.journey(info.context.graph, segment)
