"""What a GraphQL request selected, in the graph layer's terms (no GraphQL library here).

The resolvers build it from the request (`resolvers/selection.py`): fragments and directives
already applied, arguments already checked and turned into the Cypher parameters of the field's
fragment. The translator reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Selection:
    """One selected field: its GraphQL `name`, its response `key` (the alias, or the name),
    the Cypher `params` its fragment takes, and the fields selected below it."""

    name: str
    key: str
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    children: tuple[Selection, ...] = ()

    def at(self, *path: str) -> tuple[Selection, ...]:
        """The fields selected below this one along `path` (field names), merged at every
        step: what a connection's nodes (`edges`, `node`) or an assignment's `tag` are asked
        for."""
        found = self.children
        for name in path:
            found = tuple(
                below for field in found if field.name == name for below in field.children
            )
        return found
