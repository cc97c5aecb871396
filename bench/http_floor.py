"""What HTTP alone costs a customer-360 read: the floor's statement served by a bare server.

    set -a; . /tmp/peer-run/neo4j/env; set +a     # the Neo4j ../shared/peer/compare.sh loaded
    .venv/bin/python bench/http_floor.py [--c360-url URL --token T] [--requests 400 --rounds 5]
        [--client raw|aiohttp]

compare.sh's floor runs one hand-written Cypher per request through the async driver in the
measuring process: no HTTP, no JSON, no GraphQL. This script measures, one request at a time
and in alternating rounds against the same Neo4j:

- `driver`: the floor as compare.sh runs it (`execute_query` of the same statement, here);
- `driver-auto`: the same statement as an auto-commit read (no COMMIT round trip), the way
  c360 runs its reads (graph/db.py);
- `http`, `http-auto`: the same two behind the least an HTTP service can be, a bare ASGI app
  on uvicorn with httptools and uvloop (c360's server stack without Starlette, GraphQL or
  anything else), JSON in and out with orjson;
- `c360` (with `--c360-url` and `--token`): the contract's customer-360 query.

The HTTP variants are called by a raw keep-alive HTTP/1.1 client on asyncio streams, the
cheapest client there is (`--client raw`, the default), or by compare.sh's own client
(`--client aiohttp`: an aiohttp 3.14 session posting `json.dumps` bodies and decoding the
answer, as ../shared/peer/bench.py does; needs `pip install aiohttp==3.14.5`). `http-auto`
is then the lowest latency any HTTP API on this stack can give this read with that client.
Prints p50 and mean per variant and p50 against `driver`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import neo4j
import orjson

# ../shared/peer/bench.py's FLOOR_R1, the statement compare.sh's floor runs for R1.
FLOOR_R1 = """
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (c)-[:IN_STAGE]->(s:LifecycleStage)
CALL (c) {
  OPTIONAL MATCH (c)-[:HAD]->(i:Interaction {type: 'PURCHASE'})
  RETURN coalesce(sum(i.amount), 0.0) AS totalSpend, count(i) AS purchaseCount,
         max(i.occurredAt) AS lastPurchaseAt
}
RETURN c.id AS id, c.name AS name, c.email AS email, c.phone AS phone, s.name AS stage,
       totalSpend, purchaseCount, lastPurchaseAt,
       COLLECT { MATCH (c)-[:HAS_TAG]->(t:Tag) RETURN t.name AS n ORDER BY n } AS tags,
       COLLECT { MATCH (c)-[:HAD]->(:Interaction {type: 'PURCHASE'})-[:ABOUT]->(p:Product)
                 WITH DISTINCT p.id AS pid RETURN pid ORDER BY pid } AS purchasedProducts,
       COLLECT { MATCH (c)-[:HAD]->(i:Interaction)
                 RETURN i.id AS iid ORDER BY i.occurredAt DESC, i.id ASC LIMIT 5 } AS newest,
       COUNT { (c)-[:HAD]->(:Interaction) } AS interactionCount
"""
# compare.sh's c360 R1 text.
C360_R1 = """query($id: ID!) { customer(id: $id) { id name email phone stage totalSpend
 purchaseCount lastPurchaseAt tags { name } purchasedProducts { id }
 interactions(first: 5) { totalCount edges { node { id } } } } }"""


def driver() -> neo4j.AsyncDriver:
    return neo4j.AsyncGraphDatabase.driver(
        os.environ["NEO4J_URI"], auth=(os.environ["NEO4J_USER"], os.environ["NEO4J_PASSWORD"])
    )


async def managed(floor: neo4j.AsyncDriver, params: dict[str, Any]) -> list[neo4j.Record]:
    """compare.sh's floor: `execute_query`, a managed read transaction (BEGIN+RUN+PULL, COMMIT)."""
    records, _, _ = await floor.execute_query(FLOOR_R1, params, database_="neo4j", routing_="r")
    return records


async def auto_commit(floor: neo4j.AsyncDriver, params: dict[str, Any]) -> list[neo4j.Record]:
    """c360's reads (graph/db.py): an auto-commit statement in a READ session, one round trip."""
    async with floor.session(
        database="neo4j",
        default_access_mode=neo4j.READ_ACCESS,
        bookmark_manager=floor.execute_query_bookmark_manager,
    ) as session:
        result = await session.run(FLOOR_R1, params)
        return [record async for record in result]


class BareApp:
    """The least an HTTP JSON service can be: read the body, run the statement, answer."""

    def __init__(self) -> None:
        self.driver: neo4j.AsyncDriver | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                self.driver = driver()
                await send({"type": "lifespan.startup.complete"})
            if self.driver is not None:
                await self.driver.close()
            await send({"type": "lifespan.shutdown.complete"})
            return
        assert self.driver is not None
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if scope["path"] == "/auto":
            records = await auto_commit(self.driver, orjson.loads(body))
        else:
            records = await managed(self.driver, orjson.loads(body))
        out = orjson.dumps([dict(record) for record in records], default=str)
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(out))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": out})


def serve(port: int) -> None:
    import uvicorn

    uvicorn.run(
        BareApp(), host="127.0.0.1", port=port, http="httptools", loop="uvloop",
        access_log=False, log_level="warning", lifespan="on", timeout_keep_alive=600,
    )  # fmt: skip


class RawClient:
    """Keep-alive HTTP/1.1 POSTs on one connection; bodies framed by Content-Length."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        rest = url.removeprefix("http://")
        self.hostport, _, path = rest.partition("/")
        self.path = "/" + path
        self.extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    async def open(self) -> None:
        host, _, port = self.hostport.partition(":")
        self.reader, self.writer = await asyncio.open_connection(host, int(port))
        self.writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def post(self, body: bytes) -> bytes:
        if self.reader.at_eof():  # the server closed the idle connection (uvicorn: after 5 s)
            await self.open()
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.hostport}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{self.extra}\r\n"
        )
        self.writer.write(head.encode() + body)
        response = await self.reader.readuntil(b"\r\n\r\n")
        length = None
        for line in response.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if not response.startswith(b"HTTP/1.1 200") or length is None:
            raise SystemExit(f"unexpected response: {response[:200]!r}")
        return await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()


class AiohttpClient:
    """compare.sh's client (../shared/peer/bench.py `Gql.call`): one aiohttp session, a
    `json.dumps` body, the answer decoded by `resp.json()`."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = {"Content-Type": "application/json", **headers}

    async def open(self) -> None:
        try:
            import aiohttp
        except ImportError:
            raise SystemExit("--client aiohttp needs it: pip install aiohttp==3.14.5") from None
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=64, force_close=False),
            timeout=aiohttp.ClientTimeout(total=120),
        )

    async def post(self, body: bytes) -> bytes:
        text = json.dumps(orjson.loads(body))
        async with self.session.post(self.url, data=text, headers=self.headers) as response:
            answer = await response.json(content_type=None)
        if response.status != 200:
            raise SystemExit(f"unexpected response: HTTP {response.status} {answer!r:.200}")
        return orjson.dumps(answer)

    async def close(self) -> None:
        await self.session.close()


async def measure(args: argparse.Namespace, port: int) -> dict[str, list[float]]:
    rng = random.Random(7)
    ids = [f"C{rng.randint(1, args.customers):07d}" for _ in range(args.requests * args.rounds)]
    floor_driver = driver()
    client = AiohttpClient if args.client == "aiohttp" else RawClient
    origin = f"http://127.0.0.1:{port}"
    http, http_auto = client(f"{origin}/", {}), client(f"{origin}/auto", {})
    clients = [http, http_auto]

    async def floor(customer: str) -> None:
        await managed(floor_driver, {"id": customer})

    async def floor_auto(customer: str) -> None:
        await auto_commit(floor_driver, {"id": customer})

    async def bare(customer: str) -> None:
        await http.post(orjson.dumps({"id": customer}))

    async def bare_auto(customer: str) -> None:
        await http_auto.post(orjson.dumps({"id": customer}))

    variants: dict[str, Callable[[str], Awaitable[Any]]] = {
        "driver": floor, "driver-auto": floor_auto, "http": bare, "http-auto": bare_auto,
    }  # fmt: skip
    if args.c360_url:
        c360 = client(args.c360_url, {"Authorization": f"Bearer {args.token}"})
        clients.append(c360)

        async def graphql(customer: str) -> None:
            body = await c360.post(orjson.dumps({"query": C360_R1, "variables": {"id": customer}}))
            if b'"errors"' in body:
                raise SystemExit(body.decode())

        variants["c360"] = graphql
    for each in clients:
        await each.open()
    seen = await alternate(variants, ids, args.requests, args.rounds)
    for each in clients:
        await each.close()
    await floor_driver.close()
    return seen


async def alternate(
    variants: dict[str, Callable[[str], Awaitable[Any]]], ids: list[str], requests: int, rounds: int
) -> dict[str, list[float]]:
    """Each variant's latencies, one call at a time: a warm-up round of `requests` calls each,
    then `rounds` rounds in which every variant takes the same `requests` customers in turn."""
    for call in variants.values():
        for customer in ids[:requests]:
            await call(customer)
    seen: dict[str, list[float]] = {name: [] for name in variants}
    for round_ in range(rounds):
        for name, call in variants.items():
            for customer in ids[round_ * requests : (round_ + 1) * requests]:
                started = time.perf_counter()
                await call(customer)
                seen[name].append(time.perf_counter() - started)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="per variant per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--c360-url")
    parser.add_argument("--token")
    parser.add_argument("--client", choices=["raw", "aiohttp"], default="raw")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the bare server itself
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        seen = asyncio.run(measure(args, port))
    finally:
        server.terminate()
        server.wait(10)
    base = statistics.median(seen["driver"])
    for name, latencies in seen.items():
        p50 = statistics.median(latencies)
        print(
            f"{name:11s} p50 {p50 * 1000:6.3f} ms"
            f"  mean {statistics.fmean(latencies) * 1000:6.3f} ms"
            f"  p50 / driver {p50 / base:4.2f}x  ({len(latencies)} requests)"
        )


if __name__ == "__main__":
    main()
