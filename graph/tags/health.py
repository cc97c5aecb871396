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

from graph.db import Graph
from graph.rows import TagRow

DEFAULT_MIN_JACCARD = 0.9


@dataclass(frozen=True)
class TagPair:
    """Two tags (a.name < b.name) and the Jaccard index of their direct holder sets."""

    a: TagRow
    b: TagRow
    jaccard: float


async def unused(graph: Graph) -> list[TagRow]:
    """Active tags no customer holds, directly or through a tag below them, by name."""
    return [row["tag"] for row in await graph.read("tags/health/unused")]


async def undescribed(graph: Graph) -> list[TagRow]:
    """Active tags whose description is missing or blank, by name."""
    return [row["tag"] for row in await graph.read("tags/health/undescribed")]


async def redundant(graph: Graph, min_jaccard: float = DEFAULT_MIN_JACCARD) -> list[TagPair]:
    """Active tag pairs with Jaccard(direct holders) >= min_jaccard (in (0, 1]), by Jaccard
    descending, then by the two names."""
    rows = await graph.read("tags/health/redundant", minJaccard=min_jaccard)
    return [TagPair(a=row["a"], b=row["b"], jaccard=row["jaccard"]) for row in rows]
