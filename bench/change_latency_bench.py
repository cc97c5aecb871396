"""Change delivery latency (issue target: an event reaches a subscriber within 1 s of its
commit, p95, with 20 subscribers): a real `c360 serve`, 20 graphql-transport-ws subscribers to
`changes`, and mutations over HTTP.

    flock /tmp/c360-bench.lock .venv/bin/python bench/change_latency_bench.py
        [--customers 2000] [--home DIR] [--keep] [--subscribers 20] [--rounds 100]
        [--gap-ms 200] [--poll S] [--heap 1g] [--pagecache 1g]

Neo4j, migration and seeding as in bench/segment_bench.py (a seeded `--home` is reused). Then
`c360 serve --workers 1` starts on a free port (C360_EVENT_POLL as `--poll` says, the
default otherwise), the subscribers connect (each selecting `customer { id name }`, read per
event as a client's would be), and one writer runs `--rounds` rounds of three mutations over
HTTP for a new customer each: upsertCustomer (CUSTOMER_UPSERTED), setStage (STAGE_CHANGED),
recordInteraction (INTERACTION_RECORDED), each followed by a random pause of up to `--gap-ms`
(so commits fall anywhere in the feed's poll cycle). A round of warm-up comes first.

Latency of an (event, subscriber) pair: from the moment the mutation's HTTP response arrived
(its transaction committed before the server answered) to the moment the subscriber's socket
handed over the event, both on this process's monotonic clock; an event can arrive before
the response, so a pair can be slightly negative. Reported: p50/p95/max over every pair, per
kind too. Results: bench/results/change-latency-<customers>-<time>.json (git-ignored) and a
table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
from rich.console import Console
from rich.table import Table
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segment_bench import (  # noqa: E402
    graph_bench_parser,
    prepare_graph,
    run_on_local_neo4j,
    save_result,
    settings_for,
    summary,
)

from core.settings import Settings  # noqa: E402
from graph.db import graph_session  # noqa: E402
from graph.local.instance import USER, LocalNeo4j  # noqa: E402
from security.roles import Role  # noqa: E402
from security.tokens import mint  # noqa: E402

console = Console(width=140)
SUBSCRIBE = """subscription { changes(kinds: [CUSTOMER_UPSERTED, STAGE_CHANGED,
  INTERACTION_RECORDED]) { seq kind customerId subjectId customer { id name } } }"""
UPSERT = """mutation ($id: ID!, $name: String!) {
  upsertCustomer(input: {id: $id, name: $name}) { id } }"""
SET_STAGE = "mutation ($id: ID!) { setStage(customerId: $id, stage: ACTIVE) { id } }"
# The benchmark's own customers and their interactions go afterwards, so the graph holds the
# seeded customers again (prepare_graph reuses a --home that holds exactly those).
CLEAN_UP = """MATCH (c:Customer) WHERE c.id STARTS WITH 'BENCH-'
OPTIONAL MATCH (c)-[:HAD]->(i:Interaction)
DETACH DELETE c, i"""
RECORD = """mutation ($id: ID!, $interaction: ID!) {
  recordInteraction(input: {id: $interaction, customerId: $id, type: CALL}) { id } }"""
Key = tuple[str, str]  # (kind, customerId): one event per key in this benchmark


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@contextlib.contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[str]:
    """`c360 serve --workers 1` on a free port; yields its base URL once /healthz answers."""
    port = free_port()
    command = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--workers", "1"]
    with log.open("wb") as err:
        process = subprocess.Popen(
            command, cwd=ROOT, env=os.environ | env, stdout=subprocess.DEVNULL, stderr=err
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx2.get(f"{url}/healthz")
                    break
                except httpx2.ConnectError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"c360 serve did not come up; its log: {log}") from None
                    time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


async def subscriber(url: str, token: str) -> ClientConnection:
    ws = await connect(
        url.replace("http", "ws") + "/graphql",
        subprotocols=[Subprotocol("graphql-transport-ws")],
        max_size=None,
    )
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    await ws.send(json.dumps(init))
    ack = json.loads(await ws.recv())
    if ack != {"type": "connection_ack"}:
        raise SystemExit(f"subscriber not accepted: {ack}")
    subscribe = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}
    await ws.send(json.dumps(subscribe))
    return ws


async def listen(ws: ClientConnection, arrivals: dict[Key, float]) -> None:
    """Record when each event arrives, until cancelled."""
    async for message in ws:
        now = time.perf_counter()
        body = json.loads(message)
        if body.get("type") != "next" or "errors" in body["payload"]:
            raise SystemExit(f"subscriber got {body}")
        event = body["payload"]["data"]["changes"]
        arrivals[(event["kind"], event["customerId"])] = now


async def write(
    client: httpx2.AsyncClient, url: str, rounds: range, gap_s: float, rng: random.Random
) -> dict[Key, float]:
    """The rounds of mutations; returns when each one's response arrived, by its event's key."""
    committed: dict[Key, float] = {}
    for n in rounds:
        customer = f"BENCH-{n:05d}"
        for kind, document, variables in (
            ("CUSTOMER_UPSERTED", UPSERT, {"id": customer, "name": customer}),
            ("STAGE_CHANGED", SET_STAGE, {"id": customer}),
            ("INTERACTION_RECORDED", RECORD, {"id": customer, "interaction": f"{customer}-I"}),
        ):
            response = await client.post(
                f"{url}/graphql", json={"query": document, "variables": variables}
            )
            committed[(kind, customer)] = time.perf_counter()
            body = response.json()
            if "errors" in body:
                raise SystemExit(f"{kind}: {body['errors']}")
            await asyncio.sleep(rng.uniform(0, gap_s))
    return committed


async def measure(url: str, token: str, args: argparse.Namespace) -> dict[str, Any]:
    sockets = [await subscriber(url, token) for _ in range(args.subscribers)]
    arrivals: list[dict[Key, float]] = [{} for _ in sockets]
    pairs = zip(sockets, arrivals, strict=True)
    listeners = [asyncio.create_task(listen(ws, seen)) for ws, seen in pairs]
    rng = random.Random(args.seed)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx2.AsyncClient(timeout=30, headers=headers) as client:
            await asyncio.sleep(1)  # every subscription registered with the feed
            warm = await write(client, url, range(1), args.gap_ms / 1000, rng)
            committed = await write(client, url, range(1, args.rounds + 1), args.gap_ms / 1000, rng)
        deadline = time.monotonic() + 30
        while any(len(seen) < len(warm) + len(committed) for seen in arrivals):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
    finally:
        for task in listeners:
            task.cancel()
        for ws in sockets:
            await ws.close()
    latencies: dict[str, list[float]] = {}
    missing = 0
    for seen in arrivals:
        for key, at in committed.items():
            if key in seen:
                latencies.setdefault(key[0], []).append((seen[key] - at) * 1000)
            else:
                missing += 1
    every = [ms for values in latencies.values() for ms in values]
    return {
        "pairs": len(every),
        "missing": missing,
        "all": summary(every),
        "by_kind": {kind: summary(values) for kind, values in sorted(latencies.items())},
        "over_1s": sum(1 for ms in every if ms > 1000),
        "negative": sum(1 for ms in every if ms < 0),
    }


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    async with graph_session(settings_for(local, bolt_uri), start_local=False) as graph:
        await graph.run_text("bench/clean_up", CLEAN_UP, write=True)  # a run stopped midway
    settings, seeding_s = await prepare_graph(args, local, bolt_uri)
    secret = secrets.token_urlsafe(48)
    env = {
        "NEO4J_URI": bolt_uri,
        "NEO4J_USER": USER,
        "NEO4J_PASSWORD": local.password(),
        "NEO4J_DATABASE": "neo4j",
        "C360_HOME": str(local.home),
        "C360_JWT_SECRET": secret,
        "C360_LOG_FORMAT": "text",
    }
    if args.poll is not None:
        env["C360_EVENT_POLL"] = str(args.poll)
    signing = Settings(NEO4J_URI=bolt_uri, C360_JWT_SECRET=secret)  # type: ignore[call-arg]
    token = mint(signing, roles=[Role.ADMIN], subject="bench", ttl_s=3600)
    waiting = f"{args.subscribers} subscribers, {args.rounds} rounds of 3 mutations ..."
    with (
        tempfile.TemporaryDirectory(prefix="c360-latency-") as folder,
        serving(env, Path(folder) / "serve.log") as url,
        console.status(waiting),
    ):
        result = await measure(url, token, args)
    async with graph_session(settings, start_local=False) as graph:
        await graph.run_text("bench/clean_up", CLEAN_UP, write=True)
    return {
        "settings": {
            "customers": args.customers,
            "subscribers": args.subscribers,
            "rounds": args.rounds,
            "gap_ms": args.gap_ms,
            "event_poll_s": args.poll if args.poll is not None else Settings().event_poll_s,
        },
        "seeding_s": seeding_s,
        "latency_ms": result,
        "at": datetime.now(UTC).isoformat(),
    }


def show(result: dict[str, Any]) -> None:
    s = result["settings"]
    r = result["latency_ms"]
    table = Table(
        title=f"Commit to subscriber: {s['subscribers']} subscribers, {s['rounds'] * 3} events, "
        f"{r['pairs']:,} pairs ({r['missing']} missing), poll {s['event_poll_s']} s"
    )
    for column in ["events", "p50 ms", "p95 ms", "max ms"]:
        table.add_column(column)
    for name, row in [("all", r["all"]), *r["by_kind"].items()]:
        table.add_row(name, f"{row['p50_ms']:.0f}", f"{row['p95_ms']:.0f}", f"{row['max_ms']:.0f}")
    console.print(table)
    console.print(f"pairs over 1 s: {r['over_1s']}; arrived before the response: {r['negative']}")


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.set_defaults(customers=2000, heap="1g", pagecache="1g")
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=100, help="rounds of three mutations")
    parser.add_argument("--gap-ms", type=float, default=200, help="most pause after a mutation")
    parser.add_argument("--poll", type=float, help="C360_EVENT_POLL for the server")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run_on_local_neo4j(args, "c360-latencybench-", bench)
    out = save_result("change-latency", args.customers, result)
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
