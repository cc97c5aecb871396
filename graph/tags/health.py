"""Tag health: what in the taxonomy needs a person's attention (`Query.tagHealth`).

Three lists, each one Cypher query whatever the number of tags (cypher/tags/health/*.cypher),
all of active tags only (deprecated tags are already dealt with):

- `unused`: held by no customer, directly or through any tag below them;
- `undescribed`: no description, or a blank one;
- `redundant`: pairs whose direct holder sets overlap with Jaccard >= `min_jaccard`
  (two tags for one idea), computed in Cypher in one pass over the customers.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import BadUserInput
from graph.db import Graph, Record

DEFAULT_MIN_JACCARD = 0.9


@dataclass(frozen=True)
class TagPair:
    """Two tags (a.name < b.name) and the Jaccard index of their direct holder sets."""

    a: Record
    b: Record
    jaccard: float


async def unused(graph: Graph) -> list[Record]:
    """Active tags no customer holds, directly or through a tag below them, by name."""
    return [row["tag"] for row in await graph.read("tags/health/unused")]


async def undescribed(graph: Graph) -> list[Record]:
    """Active tags whose description is missing or blank, by name."""
    return [row["tag"] for row in await graph.read("tags/health/undescribed")]


def check_min_jaccard(min_jaccard: float) -> float:
    """`min_jaccard` when in (0, 1], else BadUserInput naming `minJaccard`."""
    if not 0 < min_jaccard <= 1:  # also refuses NaN
        raise BadUserInput("minJaccard", f"must be greater than 0 and at most 1, got {min_jaccard}")
    return min_jaccard


async def redundant(graph: Graph, min_jaccard: float = DEFAULT_MIN_JACCARD) -> list[TagPair]:
    """Active tag pairs with Jaccard(direct holders) >= min_jaccard, by Jaccard descending,
    then by the two names."""
    rows = await graph.read("tags/health/redundant", minJaccard=check_min_jaccard(min_jaccard))
    return [TagPair(a=row["a"], b=row["b"], jaccard=row["jaccard"]) for row in rows]
