"""Duplicate customers: groups of customers that share a normalised email, a normalised phone,
or a name and birthDate, groups that share a member united (A shares an email with B and a
phone with C: A, B and C are one group).

Neo4j finds the shared values (cypher/customers/duplicates.cypher: one pass over an index per
key); only the ids of customers in a shared value come back, and they are united here with a
union-find, small work for the 2% of customers a real import duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


async def duplicate_groups(
    graph: Graph, by: frozenset[str] = frozenset(REASONS)
) -> list[DuplicateGroup]:
    """Every group of duplicates (sharing the keys `by`, a part of REASONS), ordered by its
    smallest id."""
    rows = [row for row in await graph.read("customers/duplicates") if row["reason"] in by]
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


async def survivors(graph: Graph, groups: list[DuplicateGroup]) -> list[str]:
    """The customer each group would merge into: the oldest `createdAt`, then the smallest id
    (a customer without createdAt counts as the newest)."""
    ids = [customer for group in groups for customer in group.ids]
    rows = await graph.read("customers/created", ids=ids)
    created = {row["id"]: row["createdAt"] for row in rows}

    def age(customer: str) -> tuple[bool, Any, str]:
        at = created.get(customer)
        return (at is None, at if at is not None else 0, customer)

    return [min(group.ids, key=age) for group in groups]
