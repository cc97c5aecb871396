"""Segments: a SegmentDefinition validated (`definition`) and compiled to Cypher (`compiler`).

Pure: no driver here. `graph.api_segments` runs the compiled queries.
"""

from __future__ import annotations

from graph.segment.compiler import CompiledSegment, compile_segment
from graph.segment.definition import (
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
