"""Duplicate customers: groups of customers that share a normalised email, a normalised phone,
or a name and birthDate, groups that share a member united (A shares an email with B and a
phone with C: A, B and C are one group).

Neo4j finds the shared values (cypher/customers/duplicates.cypher: one pass over an index per
key); only the ids of customers in a shared value come back, and they are united here with a
union-find, small work for the 2% of customers a real import duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.db import Graph

REASONS = ("email", "phone", "name+birthDate")  # the order reasons are listed in


@dataclass(frozen=True)
class DuplicateGroup:
    """Two or more customer ids, by id, and what they share (in REASONS' order)."""

    ids: tuple[str, ...]
    reasons: tuple[str, ...]


class _Groups:
    """Union-find over customer ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = self.parent.setdefault(item, item)
        while root != self.parent[root]:
            root = self.parent[root]
        while item != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, first: str, second: str) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


async def duplicate_groups(graph: Graph) -> list[DuplicateGroup]:
    """Every group of duplicates, ordered by its smallest id."""
    rows = await graph.read("customers/duplicates")
    groups = _Groups()
    for row in rows:
        first, *others = row["ids"]
        for other in others:
            groups.union(first, other)
    members: dict[str, list[str]] = {}
    for item in groups.parent:
        members.setdefault(groups.find(item), []).append(item)
    reasons: dict[str, set[str]] = {}
    for row in rows:
        reasons.setdefault(groups.find(row["ids"][0]), set()).add(row["reason"])
    found = [
        DuplicateGroup(
            tuple(sorted(ids)), tuple(reason for reason in REASONS if reason in reasons[root])
        )
        for root, ids in members.items()
    ]
    return sorted(found, key=lambda group: group.ids[0])
