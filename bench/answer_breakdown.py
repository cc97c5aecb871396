"""Where a customer-360 answer's time goes inside c360, without HTTP: one request at a time.

    set -a; . /tmp/peer-run/neo4j/env; set +a     # the Neo4j ../shared/peer/compare.sh loaded
    .venv/bin/python bench/answer_breakdown.py [--requests 400 --rounds 5]

In alternating rounds against the same Neo4j, with the same random customers:

- `floor-auto`: the floor's statement (compare.sh's R1) as an auto-commit read through the
  raw driver, the cheapest way to run it (bench/http_floor.py's `driver-auto`);
- `statement`: c360's translated statement for compare.sh's R1 text, through c360's `Graph`
  (auto-commit, notifications off): what the Cypher itself costs against the floor's;
- `answer`: the fast path's whole answer (`schema.fast_reads.attempt`: the walk of the
  document, the statement's parameters, the read, shaping the response);
- `lane`: what the HTTP layer calls for a remembered document (`fast_lane`: the role check
  and the cost estimate, then the answer).

The differences between neighbours are the cost of each layer. Prints p50 per variant and its
ratio to `floor-auto`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import parse
from http_floor import C360_R1, alternate, auto_commit, driver

from core.settings import Settings
from graph.db import counting_round_trips, open_graph
from resolvers.context import Context
from schema.fast_reads import attempt, fast_lane
from schema.root import make_schema
from security.roles import Principal


async def measure(args: argparse.Namespace) -> dict[str, list[float]]:
    settings = Settings()
    graph = await open_graph(settings, start_local=False)
    floor = driver()
    schema = make_schema(settings)
    document = parse(C360_R1)
    schema.answered.remember(C360_R1, None, document)  # as after its first answer
    admin = Principal.of("bench", ["admin"])

    def context() -> Context:
        fresh = Context(graph=graph, settings=settings)
        fresh.principal = admin
        return fresh

    with counting_round_trips() as round_trips:  # c360's statement for this document
        await attempt(schema._schema, document, None, {"id": "C0000001"}, context())
    [(name, text, params)] = round_trips.statements

    rng = random.Random(3)
    ids = [f"C{rng.randint(1, args.customers):07d}" for _ in range(args.requests * args.rounds)]

    async def floor_auto(customer: str) -> Any:
        return await auto_commit(floor, {"id": customer})

    async def statement(customer: str) -> Any:
        return await graph.run_text(name, text, **{**params, "id": customer})

    async def answer(customer: str) -> Any:
        return await attempt(schema._schema, document, None, {"id": customer}, context())

    async def lane(customer: str) -> Any:
        return await fast_lane(schema, C360_R1, None, {"id": customer}, context())

    variants: dict[str, Callable[[str], Awaitable[Any]]] = {
        "floor-auto": floor_auto, "statement": statement, "answer": answer, "lane": lane,
    }  # fmt: skip
    seen = await alternate(variants, ids, args.requests, args.rounds)
    await floor.close()
    await graph.close()
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="per variant per round")
    parser.add_argument("--rounds", type=int, default=5)
    seen = asyncio.run(measure(parser.parse_args()))
    base = statistics.median(seen["floor-auto"])
    for variant, latencies in seen.items():
        p50 = statistics.median(latencies)
        print(f"{variant:10s} p50 {p50 * 1000:6.3f} ms  p50 / floor-auto {p50 / base:4.2f}x")


if __name__ == "__main__":
    main()
