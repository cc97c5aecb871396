"""Run GraphQL against the schema with a real context on the test Neo4j, plus a small shop.

`api` executes a document as an admin and returns `data` (failing the test on any error);
`api.errors` returns the errors of a document that must fail; `api.as_role(...)` is the same
for another role (or `None`: no token). `shop` builds a small graph
by hand whose every number the tests know (see SHOP).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from strawberry.types import ExecutionResult
from websockets.asyncio.client import ClientConnection

from core.settings import Settings
from graph.db import Graph
from graph.migrate import refresh_purchase_totals
from resolvers.context import Context
from schema.root import schema
from security.roles import Principal, Role
from tests.conftest import serving

ADMIN = Principal.of("tester", [Role.ADMIN])


@dataclass
class Api:
    graph: Graph
    settings: Settings
    principal: Principal | None = field(default_factory=lambda: ADMIN)

    def as_role(self, *roles: Role | str, subject: str = "tester") -> Api:
        principal = Principal.of(subject, roles) if roles else None
        return Api(self.graph, self.settings, principal)

    def context(self) -> Context:
        return Context(graph=self.graph, settings=self.settings, principal=self.principal)

    async def execute(self, document: str, **variables: Any) -> ExecutionResult:
        return await self.execute_with(self.context(), document, **variables)

    async def execute_with(
        self, context: Context, document: str, **variables: Any
    ) -> ExecutionResult:
        return await schema.execute(document, variable_values=variables, context_value=context)

    async def __call__(self, document: str, **variables: Any) -> Any:
        result = await self.execute(document, **variables)
        assert result.errors is None, [e.formatted for e in result.errors]
        return result.data

    async def errors(self, document: str, **variables: Any) -> list[dict[str, Any]]:
        result = await self.execute(document, **variables)
        assert result.errors, f"expected errors, got {result.data}"
        return [error.formatted for error in result.errors]

    async def error(self, document: str, **variables: Any) -> dict[str, Any]:
        """The one error of a failing document."""
        errors = await self.errors(document, **variables)
        assert len(errors) == 1, errors
        return errors[0]


async def every_page(
    api: Api, document: str, root: str, **variables: Any
) -> tuple[list[dict[str, Any]], set[int]]:
    """Every node of a paged root field (`first`/`after`, a connection with totalCount),
    following the cursors to the end; with each page's totalCount (one value when stable)."""
    nodes: list[dict[str, Any]] = []
    totals: set[int] = set()
    after = None
    while True:
        page = (await api(document, after=after, **variables))[root]
        totals.add(page["totalCount"])
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, totals
        after = page["pageInfo"]["endCursor"]


@pytest.fixture
def api(graph: Graph, settings: Settings) -> Api:
    return Api(graph, settings)


@pytest.fixture
def server(shop: Graph, settings: Settings) -> Iterator[str]:
    """`c360 serve` on a free port, polling for events every 0.1 s; yields its base URL."""
    with serving() as url:
        yield url


@pytest.fixture
async def sockets() -> AsyncIterator[list[ClientConnection]]:
    """The WebSockets a test opens, closed after it."""
    opened: list[ClientConnection] = []
    yield opened
    for ws in opened:
        await ws.close()


# Customers c1 (every property), c2, c3 (id and name only); tags VIP > Gold, Risk, Old
# (deprecated); products p1..p3; interactions of c1 i1..i5 (i2 and i3 at the same time),
# of c2 i6, i7; c1 is LOYAL (was NEW), c2 ACTIVE, c3 has no stage.
SHOP = """
CREATE (c1:Customer {id: 'c1', name: 'Alice', email: 'alice@example.com',
        phone: '+8613812345678', gender: 'F', birthDate: date('1990-04-01'), city: 'Shanghai',
        region: 'East', source: 'web', createdAt: datetime('2024-12-01T09:30:00Z'),
        updatedAt: datetime('2024-12-02T09:30:00Z')})
CREATE (c2:Customer {id: 'c2', name: 'Bob', city: 'Beijing', region: 'North'})
CREATE (c3:Customer {id: 'c3', name: 'Carol'})
CREATE (vip:Tag {id: 't-vip', name: 'VIP', category: 'value', description: 'Big spenders',
        status: 'ACTIVE'})
CREATE (gold:Tag {id: 't-gold', name: 'Gold', category: 'value', status: 'ACTIVE'})
CREATE (risk:Tag {id: 't-risk', name: 'Risk', category: 'risk', status: 'ACTIVE'})
CREATE (old:Tag {id: 't-old', name: 'Old', category: 'value', status: 'DEPRECATED'})
CREATE (gold)-[:CHILD_OF]->(vip)
CREATE (c1)-[:HAS_TAG {source: 'IMPORT'}]->(vip), (c1)-[:HAS_TAG {source: 'IMPORT'}]->(gold),
       (c2)-[:HAS_TAG {source: 'IMPORT'}]->(vip), (c3)-[:HAS_TAG {source: 'IMPORT'}]->(old)
CREATE (p1:Product {id: 'p1', sku: 'T-1', name: 'Tea', category: 'drinks', price: 10.5})
CREATE (p2:Product {id: 'p2', name: 'Cup', price: 4})
CREATE (p3:Product {id: 'p3', name: 'Pot'})
CREATE (c1)-[:HAD]->(:Interaction {id: 'i1', type: 'PURCHASE', channel: 'web', amount: 21.0,
        quantity: 2, occurredAt: datetime('2025-01-01T10:00:00Z')})-[:ABOUT]->(p1)
CREATE (c1)-[:HAD]->(:Interaction {id: 'i2', type: 'PURCHASE', channel: 'store', amount: 4.0,
        quantity: 1, occurredAt: datetime('2025-02-01T10:00:00Z')})-[:ABOUT]->(p2)
CREATE (c1)-[:HAD]->(:Interaction {id: 'i3', type: 'VIEW', channel: 'web',
        occurredAt: datetime('2025-02-01T10:00:00Z')})-[:ABOUT]->(p3)
CREATE (c1)-[:HAD]->(:Interaction {id: 'i4', type: 'CALL', channel: 'phone', note: 'asked',
        occurredAt: datetime('2025-03-01T08:00:00Z')})
CREATE (c1)-[:HAD]->(:Interaction {id: 'i5', type: 'PURCHASE', amount: 10.5, quantity: 1,
        occurredAt: datetime('2025-03-05T00:00:00Z')})-[:ABOUT]->(p1)
CREATE (c2)-[:HAD]->(:Interaction {id: 'i6', type: 'PURCHASE', amount: 10.5, quantity: 1,
        occurredAt: datetime('2025-01-15T12:00:00Z')})-[:ABOUT]->(p1)
CREATE (c2)-[:HAD]->(:Interaction {id: 'i7', type: 'EMAIL',
        occurredAt: datetime('2025-01-20T12:00:00Z')})
WITH c1, c2
MATCH (loyal:LifecycleStage {name: 'LOYAL'}), (active:LifecycleStage {name: 'ACTIVE'}),
      (new:LifecycleStage {name: 'NEW'})
CREATE (c1)-[:WAS_IN_STAGE {from: datetime('2024-12-01T09:30:00Z'),
        to: datetime('2025-03-05T00:00:00Z')}]->(new)
CREATE (c1)-[:IN_STAGE {since: datetime('2025-03-05T00:00:00Z')}]->(loyal)
CREATE (c2)-[:IN_STAGE {since: datetime('2025-01-15T12:00:00Z')}]->(active)
"""


@pytest.fixture
async def shop(graph: Graph) -> Graph:
    await graph.run_text("tests/shop", SHOP, write=True)
    # as `c360 migrate` does for graphs written in Cypher
    await refresh_purchase_totals(graph)
    await graph.write("customers/name_keys")
    return graph


# The audit trail is left out: successful no-op mutations add entries (tests/api/test_security.py
# checks them); so is the change log's own events (tests/api/test_changes.py checks them), but
# not tag events, which are history.
SNAPSHOT = """
CALL () {
  MATCH (n) WHERE NOT n:AuditEntry AND NOT (n:Change AND NOT n:TagEvent)
  RETURN collect(n {labels: labels(n), .*}) AS nodes
}
CALL () {
  MATCH (a)-[r]->(b)
  RETURN collect({from: coalesce(a.id, a.name), type: type(r), to: coalesce(b.id, b.name),
                  props: properties(r)}) AS rels
}
RETURN nodes, rels
"""


async def snapshot(graph: Graph) -> dict[str, Any]:
    """Every node (but audit entries) and relationship with its properties, order-free: to
    prove nothing changed."""
    rows = await graph.run_text("tests/snapshot", SNAPSHOT)
    nodes = sorted(rows[0]["nodes"], key=repr)
    rels = sorted(rows[0]["rels"], key=repr)
    return {"nodes": nodes, "rels": rels}
