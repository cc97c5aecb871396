"""Segments (客户分群): customers described by a SegmentDefinition.

definition   the input validated into a frozen `Definition` (pure)
compiler     a `Definition` compiled to one parameterised Cypher query (pure)
evaluation   names checked, counts and member pages answered in batches
saved        saved segments: save, list, look up, delete
export       a saved segment's members streamed as CSV or JSON Lines
snapshots    a saved segment's members frozen at a moment, and two snapshots compared
"""

from __future__ import annotations

from graph.segments.compiler import CompiledSegment, compile_segment
from graph.segments.definition import (
    Definition,
    parse_definition,
    product_ids,
    rename_tags,
    tag_names,
)

__all__ = [
    "CompiledSegment",
    "Definition",
    "compile_segment",
    "parse_definition",
    "product_ids",
    "rename_tags",
    "tag_names",
]
