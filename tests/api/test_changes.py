"""The change log: every kind of change numbered in one log (graph/changes.py), and the
`changes` subscription for real (`c360 serve` in a subprocess, graphql-transport-ws and SSE),
resumed from the last seq a client saw."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import httpx2
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from graph import changes
from graph.db import Graph
from graph.ingest.importer import import_records
from graph.queries import query
from graph.tags import events as tag_events
from security.roles import Role
from tests.api.conftest import Api
from tests.api.live import mutate
from tests.tokens import auth_header

SUBSCRIBE = """
subscription ($kinds: [ChangeKind!], $customer: ID, $lastSeq: ID) {
  changes(kinds: $kinds, customerId: $customer, lastSeq: $lastSeq) {
    seq kind customerId actor tag stage subjectId mergedIds customer { id email }
  }
}
"""


async def logged(graph: Graph, start: int) -> list[tuple[str, str, str | None]]:
    await tag_events.dispatch(graph)
    return [
        (e["kind"], e["customerId"], e.get("tagName") or e.get("stage") or e.get("taskId")
         or e.get("interactionId"))
        for e in await changes.after(graph, start)
    ]  # fmt: skip


async def test_every_kind_of_change_is_numbered_in_one_log(api: Api, shop: Graph) -> None:
    start = await tag_events.last_seq(shop)
    await api('mutation { upsertCustomer(input: {id: "c9", name: "Zed"}) { id } }')
    await api('mutation { upsertCustomer(input: {id: "c9", name: "Zed"}) { id } }')  # no change
    await api('mutation { assignTags(customerId: "c9", tags: ["Risk"]) { id } }')
    await api('mutation { setStage(customerId: "c9", stage: NEW) { id } }')
    task = await api('mutation { createTask(customerId: "c9", title: "call") { id } }')
    task_id = task["createTask"]["id"]
    await api(f'mutation {{ updateTask(id: "{task_id}", status: DONE) {{ id }} }}')
    await api('mutation { recordInteraction(input: {id: "t1", customerId: "c9", type: TICKET}) '
              "{ id } }")  # fmt: skip
    await api('mutation { updateTicket(id: "t1", input: {status: CLOSED}) { id } }')
    await api('mutation { removeTags(customerId: "c9", tags: ["Risk"]) { id } }')
    await api('mutation { mergeCustomers(into: "c9", from: ["c3"]) { id } }')
    expected = [
        ("CUSTOMER_UPSERTED", "c9", None),
        ("TAG_ADDED", "c9", "Risk"),
        ("STAGE_CHANGED", "c9", "NEW"),
        ("TASK_CHANGED", "c9", task_id),
        ("TASK_CHANGED", "c9", task_id),
        ("INTERACTION_RECORDED", "c9", "t1"),
        ("TICKET_CHANGED", "c9", "t1"),
        ("TAG_REMOVED", "c9", "Risk"),
        ("TAG_ADDED", "c9", "Old"),  # c3's tag, moved by the merge
        ("CUSTOMER_MERGED", "c9", None),
    ]
    assert await logged(shop, start) == expected
    await api('mutation { eraseCustomer(id: "c9") }')
    # erasure deletes the customer's tag events (their history); the other kinds stay (ids and
    # kinds only), with the erasure's own
    kept = [event for event in expected if not event[0].startswith("TAG_")]
    assert await logged(shop, start) == [*kept, ("CUSTOMER_ERASED", "c9", None)]
    rows = await changes.after(shop, start)
    assert [int(e["seq"]) for e in rows] == sorted(int(e["seq"]) for e in rows)
    assert {e["actor"] for e in rows} == {"tester"}
    assert next(e for e in rows if e["kind"] == "CUSTOMER_MERGED")["mergedIds"] == ["c3"]


async def test_imports_tell_what_they_changed_once(api: Api, shop: Graph) -> None:
    start = await tag_events.last_seq(shop)
    lines = [
        {"kind": "customer", "id": "c1", "name": "Alice"},  # as it is: no change
        {"kind": "customer", "id": "c7", "name": "Gus"},
        {"kind": "interaction", "id": "i9", "customerId": "c7", "type": "CALL",
         "occurredAt": "2026-01-01T00:00:00Z"},
        {"kind": "stage", "customerId": "c7", "stage": "ACTIVE", "since": "2026-01-01T00:00:00Z"},
    ]  # fmt: skip
    records = [("f", n, line) for n, line in enumerate(lines, 1)]
    await import_records(shop, records)
    expected = [
        ("CUSTOMER_UPSERTED", "c7", None),
        ("INTERACTION_RECORDED", "c7", "i9"),
        ("STAGE_CHANGED", "c7", "ACTIVE"),
    ]
    assert await logged(shop, start) == expected
    await import_records(shop, records)  # the same lines again change nothing
    assert await logged(shop, start) == expected


async def subscribe(
    url: str, init: dict[str, Any] | None = None, role: Role = Role.ADMIN, **variables: Any
) -> ClientConnection:
    ws = await connect(
        url.replace("http", "ws") + "/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]
    )
    await ws.send(
        json.dumps({"type": "connection_init", "payload": auth_header(role) | (init or {})})
    )
    assert json.loads(await ws.recv()) == {"type": "connection_ack"}
    payload = {"query": SUBSCRIBE, "variables": variables}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return ws


async def received(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    found = []
    for _ in range(count):
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
        assert message["type"] == "next", message
        found.append(message["payload"]["data"]["changes"])
    return found


async def test_subscribers_get_changes_filtered_and_resume_from_their_last_seq(
    server: str, shop: Graph, sockets: list[ClientConnection]
) -> None:
    everything = await subscribe(server)
    stages = await subscribe(server, kinds=["STAGE_CHANGED"])
    of_c2 = await subscribe(server, role=Role.VIEWER, customer="c2")
    sockets += [everything, stages, of_c2]
    await asyncio.sleep(0.5)  # subscribed before the first change
    await mutate(server, 'mutation { setStage(customerId: "c1", stage: AT_RISK) { id } }')
    await mutate(server, 'mutation { recordInteraction(input: {customerId: "c2", type: CALL}) '
                         "{ id } }")  # fmt: skip
    await mutate(server, 'mutation { assignTags(customerId: "c1", tags: ["Risk"]) { id } }')
    first, second, third = await received(everything, 3)
    assert [(e["kind"], e["customerId"]) for e in (first, second, third)] == [
        ("STAGE_CHANGED", "c1"), ("INTERACTION_RECORDED", "c2"), ("TAG_ADDED", "c1")]  # fmt: skip
    assert (first["stage"], third["tag"], first["actor"]) == ("AT_RISK", "Risk", "tests")
    assert first["customer"] == {"id": "c1", "email": "alice@example.com"}
    assert [e["seq"] for e in await received(stages, 1)] == [first["seq"]]
    [call] = await received(of_c2, 1)
    assert (call["kind"], call["customer"]) == ("INTERACTION_RECORDED", {"id": "c2", "email": None})

    # A client that saw `first` reconnects (connection_init's lastSeq) and gets the rest in
    # order, then what comes next; the same with the argument instead.
    resumed = await subscribe(server, init={"lastSeq": first["seq"]})
    by_argument = await subscribe(server, lastSeq=first["seq"], kinds=["TAG_ADDED"])
    sockets += [resumed, by_argument]
    assert [e["seq"] for e in await received(resumed, 2)] == [second["seq"], third["seq"]]
    assert [e["seq"] for e in await received(by_argument, 1)] == [third["seq"]]
    await mutate(server, 'mutation { setStage(customerId: "c2", stage: LOYAL) { id } }')
    [live] = await received(resumed, 1)
    assert (live["kind"], live["customerId"], int(live["seq"]) > int(third["seq"])) == (
        "STAGE_CHANGED", "c2", True)  # fmt: skip


async def test_changes_over_server_sent_events(server: str, shop: Graph) -> None:
    query = "subscription { changes(kinds: [CUSTOMER_UPSERTED]) { kind customerId } }"
    headers = auth_header() | {"Accept": "text/event-stream"}
    expected = {"data": {"changes": {"kind": "CUSTOMER_UPSERTED", "customerId": "c8"}}}
    async with (
        httpx2.AsyncClient(timeout=30) as client,
        client.stream("POST", f"{server}/graphql", json={"query": query}, headers=headers) as sse,
    ):
        assert sse.status_code == 200
        await asyncio.sleep(0.5)
        await mutate(server, 'mutation { upsertCustomer(input: {id: "c8", name: "Hal"}) { id } }')
        async for line in sse.aiter_lines():
            if line.startswith("data: "):
                assert json.loads(line[6:]) == expected
                break


async def test_a_bad_last_seq_is_refused(server: str, sockets: list[ClientConnection]) -> None:
    ws = await subscribe(server, lastSeq="yesterday")
    sockets.append(ws)
    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
    [error] = message["payload"]["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "lastSeq"}


def scanned(plan: Any) -> list[int]:
    """Rows each scan of the pending events' labels produced, in a PROFILE plan."""
    own = [plan["rows"]] if plan["operatorType"].startswith("UnionNodeByLabelsScan") else []
    return own + [rows for child in plan.get("children", []) for rows in scanned(child)]


async def test_a_dispatch_reads_one_batch_of_pending_events_not_all(graph: Graph) -> None:
    await graph.run_text(
        "tests/pending",
        "UNWIND range(1, 3000) AS n CREATE (:Change:PendingChange {kind: 'CUSTOMER_UPSERTED', "
        "at: datetime(), customerId: 'c' + n})",
        write=True,
    )
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run(
            "PROFILE " + query("tags/events/dispatch"), batch=1000, now=datetime.now(UTC)
        )
        row = await result.single()
        summary = await result.consume()
    assert (row["dispatched"], row["last"], row["more"]) == (1000, 1000, True)
    # at most the batch (and the first pending event, and none left for `more`): an
    # ExhaustiveLimit would read all 3,000 for each batch, quadratic over a bulk import
    assert sorted(scanned(summary.profile), reverse=True)[0] == 1000
