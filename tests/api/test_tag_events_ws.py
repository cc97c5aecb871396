"""The tagEvents subscription for real: `c360 serve` in a subprocess, a `websockets` client
speaking graphql-transport-ws, and tag changes made through the API and by another process."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx2
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from core.settings import Settings
from graph import customers as graph_customers
from graph.db import Graph
from graph.rules import tag_rules
from graph.segments import parse_definition
from security.roles import Role
from security.tokens import mint
from tests.api.live import mutate
from tests.conftest import serving
from tests.tokens import auth_header

SUBSCRIBE = """
subscription ($tags: [String!]) {
  tagEvents(tags: $tags) { seq change source at customer { id name email } tag { name } }
}
"""


async def subscribe(
    url: str, tags: list[str] | None = None, role: Role = Role.ADMIN
) -> ClientConnection:
    ws = await connect(
        url.replace("http", "ws") + "/graphql", subprotocols=[Subprotocol("graphql-transport-ws")]
    )
    # a browser cannot set headers on a WebSocket: the token rides in connection_init
    await ws.send(json.dumps({"type": "connection_init", "payload": auth_header(role)}))
    assert json.loads(await ws.recv()) == {"type": "connection_ack"}
    payload = {"query": SUBSCRIBE, "variables": {"tags": tags}}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return ws


async def next_event(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
    assert message["type"] == "next", message
    event: dict[str, Any] = message["payload"]["data"]["tagEvents"]
    return event


async def events(ws: ClientConnection, count: int) -> list[tuple[str, str, str, str]]:
    found = []
    for _ in range(count):
        e = await next_event(ws)
        found.append((e["customer"]["id"], e["tag"]["name"], e["change"], e["source"]))
    return found


async def test_every_change_reaches_subscribers_from_any_source_and_process(
    server: str, shop: Graph, sockets: list[ClientConnection]
) -> None:
    everything = await subscribe(server)
    only_vip = await subscribe(server, ["VIP"])
    viewer = await subscribe(server, ["Gold"], Role.VIEWER)  # sees personal data masked
    sockets += [everything, only_vip, viewer]
    await asyncio.sleep(0.5)  # both subscribed before the first change

    # Through the server's API: c3 gains Risk and VIP.
    await mutate(server, 'mutation { assignTags(customerId: "c3", tags: ["Risk", "VIP"]) { id } }')
    # From this process, as another c360 process would: c1 loses Gold, a tag rule adds Risk.
    await graph_customers.remove_tags(shop, "c1", ["Gold"], "test")
    await tag_rules.create(shop, "Beijing", "Risk", parse_definition({"cities": ["Beijing"]}))
    await tag_rules.run_rules(shop)

    assert await events(everything, 4) == [
        ("c3", "Risk", "ADDED", "MANUAL"),
        ("c3", "VIP", "ADDED", "MANUAL"),
        ("c1", "Gold", "REMOVED", "IMPORT"),
        ("c2", "Risk", "ADDED", "RULE"),
    ]
    assert await events(only_vip, 1) == [("c3", "VIP", "ADDED", "MANUAL")]
    gold = await next_event(viewer)
    assert gold["customer"] == {"id": "c1", "name": "Alice", "email": "a***@example.com"}
    # The only_vip socket got nothing else: the next VIP change is its next message.
    await mutate(server, 'mutation { removeTags(customerId: "c2", tags: ["VIP"]) { id } }')
    vip = await next_event(only_vip)
    assert (vip["customer"], vip["tag"], vip["change"]) == (
        {"id": "c2", "name": "Bob", "email": None},
        {"name": "VIP"},
        "REMOVED",
    )


async def test_an_unknown_tag_in_the_filter_is_an_error(
    server: str, sockets: list[ClientConnection]
) -> None:
    ws = await subscribe(server, ["VIP", "Nope"])
    sockets.append(ws)
    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
    assert message["type"] == "next"  # graphql-transport-ws: a result with errors, then complete
    [error] = message["payload"]["errors"]
    assert error["message"] == "tags[1]: unknown tag 'Nope'"
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert json.loads(await asyncio.wait_for(ws.recv(), timeout=15)) == {
        "id": "1",
        "type": "complete",
    }


async def test_serve_runs_the_tag_rules_periodically(shop: Graph, settings: Settings) -> None:
    await tag_rules.create(shop, "Buyers", "Risk", parse_definition({"minPurchaseCount": 1}))
    holders = '{ tag(name: "Risk") { customers { edges { node { id } } } } }'
    with serving("--rules-every", "1") as url:
        deadline = time.monotonic() + 30
        while True:
            async with httpx2.AsyncClient(timeout=30) as client:
                response = await client.post(
                    f"{url}/graphql", json={"query": holders}, headers=auth_header()
                )
                body = response.json()
            found = [e["node"]["id"] for e in body["data"]["tag"]["customers"]["edges"]]
            if found:
                break
            assert time.monotonic() < deadline, "the rules did not run"
            await asyncio.sleep(0.5)
    assert found == ["c1", "c2"]


async def test_a_message_over_the_body_limit_closes_the_socket(
    shop: Graph, settings: Settings
) -> None:
    """C360_MAX_BODY_BYTES bounds WebSocket messages too (uvicorn's default is 16 MiB): the
    socket is closed with 1009 (message too big) and nothing is subscribed."""
    with serving(env={"C360_MAX_BODY_BYTES": "2000"}) as url:
        ws = await connect(
            url.replace("http", "ws") + "/graphql",
            subprotocols=[Subprotocol("graphql-transport-ws")],
        )
        await ws.send(json.dumps({"type": "connection_init", "payload": auth_header(Role.ADMIN)}))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        padded = SUBSCRIBE + " " * 3000
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": padded}}))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_a_socket_closes_when_its_token_expires(server: str, settings: Settings) -> None:
    """An open socket does not outlive its token: at `exp` it closes with 4403, its
    subscription ends, and nothing sent on it is served any more."""
    token = mint(settings, roles=(Role.ADMIN,), subject="short", ttl_s=3)
    ws = await connect(
        server.replace("http", "ws") + "/graphql",
        subprotocols=[Subprotocol("graphql-transport-ws")],
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": {
        "Authorization": f"Bearer {token}"}}))  # fmt: skip
    assert json.loads(await ws.recv()) == {"type": "connection_ack"}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    started = time.monotonic()
    with pytest.raises(ConnectionClosed) as closed:
        while True:  # no event comes; the socket closes
            await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
        4403,
        "the bearer token has expired",
    )
    assert time.monotonic() - started < 4.5
