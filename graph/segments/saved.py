"""Saved segments: save (names are unique), list, look up, delete."""

from __future__ import annotations

import uuid

from core.errors import BadUserInput, Conflict, NotFound
from graph.db import Graph
from graph.rows import SegmentRow
from graph.segments.definition import Definition, definition_text


async def save(graph: Graph, name: str, definition: Definition) -> SegmentRow:
    """A new segment; BadUserInput when the name is taken."""
    taken = BadUserInput("name", f"a segment named {name!r} already exists")
    try:
        row = await graph.write_one(
            "segments/save",
            id=f"seg-{uuid.uuid4().hex[:12]}",
            segmentName=name,
            definition=definition_text(definition),
        )
    except Conflict:  # another save of the same name committed between check and create
        raise taken from None
    assert row is not None
    if row["duplicate"]:
        raise taken
    segment: SegmentRow = row["segment"]
    return segment


async def all_segments(graph: Graph) -> list[SegmentRow]:
    return [row["segment"] for row in await graph.read("segments/all")]


async def delete(graph: Graph, segment_id: str) -> None:
    """Delete the segment; NotFound when there is none with this id."""
    row = await graph.write_one("segments/delete", id=segment_id)
    if row is None or not row["found"]:
        raise NotFound("segment", segment_id, field="id")


async def by_id(graph: Graph, segment_id: str) -> SegmentRow | None:
    rows = await graph.read("segments/by_ids", ids=[segment_id])
    return rows[0]["value"] if rows else None
