"""Two `c360 serve` replicas on one Neo4j behave as one service (operations.md, "Replicas"):
a subscriber on each sees every event once, in one order; with writers on both, each linkage
rule fires once per customer; tag rule runs started on both at once never double-apply."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
from websockets.asyncio.client import ClientConnection

from graph.db import Graph
from security.roles import Role
from tests.api.test_tag_events_ws import next_event, subscribe
from tests.conftest import serving
from tests.tokens import auth_header


async def post(url: str, query: str) -> Any:
    async with httpx2.AsyncClient(timeout=30, headers=auth_header(Role.ADMIN)) as http:
        body = (await http.post(f"{url}/graphql", json={"query": query})).json()
    assert "errors" not in body, body
    return body["data"]


async def received(ws: ClientConnection, count: int) -> list[tuple[int, str, str, str, str]]:
    """`count` events, then nothing more for a second."""
    found = []
    for _ in range(count):
        e = await next_event(ws)
        found.append((e["seq"], e["customer"]["id"], e["tag"]["name"], e["change"], e["source"]))
    try:
        extra = await asyncio.wait_for(ws.recv(), timeout=1.0)
    except TimeoutError:
        return found
    raise AssertionError(f"an event too many: {extra}")


async def test_two_replicas_behave_as_one_service(shop: Graph) -> None:
    with serving() as first, serving() as second:
        await post(first, 'mutation { createTag(name: "Northern") { id } }')
        await post(
            second,
            'mutation { createLinkageRule(input: {name: "call", whenTagAdded: "Risk", '
            'action: CREATE_TASK, taskTitle: "Call them"}) { id } }',
        )
        await post(
            first,
            'mutation { createTagRule(name: "north", tag: "Northern", '
            'definition: {regions: ["North"]}) { id } }',
        )
        sockets = [await subscribe(first), await subscribe(second)]
        try:
            await asyncio.sleep(0.5)  # both subscribed before the first change
            # writers on both replicas at once; then rule runs started on both at once
            await asyncio.gather(
                post(first, 'mutation { assignTags(customerId: "c2", tags: ["Risk"]) { id } }'),
                post(second, 'mutation { assignTags(customerId: "c3", tags: ["Risk"]) { id } }'),
            )
            runs = await asyncio.gather(
                post(first, "mutation { runTagRules { added } }"),
                post(second, "mutation { runTagRules { added } }"),
            )
            seen = [await received(ws, 3) for ws in sockets]
        finally:
            for ws in sockets:
                await ws.close()
    # one rule run added the tag; the other, waiting for it, found nothing left to add
    assert sorted(run["runTagRules"][0]["added"] for run in runs) == [0, 1]
    # every event once, in one order (seq), the same on both replicas
    assert seen[0] == seen[1]
    assert [event[0] for event in seen[0]] == sorted({event[0] for event in seen[0]})
    assert sorted(event[1:] for event in seen[0]) == [
        ("c2", "Northern", "ADDED", "RULE"),
        ("c2", "Risk", "ADDED", "MANUAL"),
        ("c3", "Risk", "ADDED", "MANUAL"),
    ]
    # the linkage rule fired once per customer, whichever replica dispatched
    rows = await shop.run_text(
        "tests/tasks",
        "MATCH (c:Customer)-[:HAS_TASK]->(t:Task) RETURN c.id AS id, t.title AS title ORDER BY id",
    )
    assert [(row["id"], row["title"]) for row in rows] == [("c2", "Call them"), ("c3", "Call them")]
    held = await shop.run_text(
        "tests/held",
        "MATCH (c:Customer)-[r:HAS_TAG]->(:Tag {name: 'Northern'}) RETURN c.id AS id",
    )
    assert [row["id"] for row in held] == ["c2"]
