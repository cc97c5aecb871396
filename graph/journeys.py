"""Journeys (客户旅程): how customers move through the lifecycle stages, read from their stage
spans, (:Customer)-[:WAS_IN_STAGE {from, to}]->(:LifecycleStage) and the current
[:IN_STAGE {since}]. One statement each, whatever the number of customers:

- `stage_transitions`: the moves entered in a window, by (stage left, stage entered);
- `journey`: for a segment's customers (or everyone), how many reached each stage and how
  long after their first stage.

Days are fractional (seconds / 86,400); medians are percentileCont (the mean of the middle
two of an even count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from graph.db import Graph
from graph.model import STAGE_ORDER
from graph.queries import statements
from graph.segments.compiler import CompiledSegment

EVERYONE = "MATCH (c:Customer)"  # journey's segment when there is no definition


@dataclass(frozen=True)
class Transition:
    from_stage: str | None  # None: the customer's first stage
    to_stage: str
    customers: int  # distinct customers who made the move
    median_days_in_from: float | None  # over the moves; None for first stages


@dataclass(frozen=True)
class JourneyStep:
    stage: str
    customers: int  # who ever entered the stage
    median_days: float | None  # from their first stage's start; None when no one did


async def stage_transitions(
    graph: Graph, start: datetime | None, end: datetime | None
) -> list[Transition]:
    """The moves whose stage was entered in [start, end) (None: open), by customers
    descending, then the stage left (first stages first), then the stage entered."""
    rows = await graph.read("journeys/transitions", start=start, end=end)
    return [
        Transition(row["fromStage"], row["toStage"], row["customers"], row["medianDaysInFrom"])
        for row in rows
    ]


@cache
def _journey_template() -> str:
    [template] = statements("journeys/journey")
    return template


def journey_query(segment: CompiledSegment | None) -> str:
    """cypher/journeys/journey.cypher around the segment's MATCH (every customer: None)."""
    match = EVERYONE if segment is None else segment.match
    return _journey_template().replace("{{segment}}", match)


async def journey(graph: Graph, segment: CompiledSegment | None) -> list[JourneyStep]:
    """One step per lifecycle stage, in stage order, zeros included, for the members of the
    (checked) segment, or for every customer when None."""
    params = {} if segment is None else segment.params
    rows = await graph.run_text("journeys/journey", journey_query(segment), **params)
    reached = {row["stage"]: row for row in rows}
    return [
        JourneyStep(stage, reached[stage]["customers"], reached[stage]["medianDays"])
        if stage in reached
        else JourneyStep(stage, 0, None)
        for stage in STAGE_ORDER
    ]
