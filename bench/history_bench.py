"""History and snapshot benchmark on the 100k demo graph (issue 16): a customer's timeline
and past tags, and snapshots of a segment of every customer (the issue asks a snapshot of 100k
members to cost no more than a few seconds).

    flock /tmp/c360-bench.lock .venv/bin/python bench/history_bench.py [--customers 100000]
        [--home DIR] [--keep] [--sample 40] [--repeat 3] [--snapshots 2]

Neo4j, migration and seeding as in bench/segment_bench.py (a seeded `--home` is reused).
Every request runs through the real path: the document executed in-process by the served
schema with a fresh request context; only HTTP is left out. The snapshots' segment is deleted
at the end (its snapshots with it). Results: bench/results/history-<time>.json (git-ignored)
and a table.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segment_bench import (  # noqa: E402
    execute,
    graph_bench_parser,
    prepare_graph,
    run_on_local_neo4j,
    save_result,
    summary,
    timed,
)

from graph.db import graph_session  # noqa: E402
from graph.local.instance import LocalNeo4j  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TIMELINE = """query ($id: ID!) { customer(id: $id) { timeline(first: 20) {
  totalCount edges { cursor node { at kind summary actor } } } } }"""
PAST_TAGS = """query ($id: ID!, $asOf: DateTime!) { customer(id: $id) {
  tags(asOf: $asOf) { name } } }"""
SAVE = """mutation { saveSegment(name: "history-bench: everyone", definition: {}) { id } }"""
SNAPSHOT = "mutation ($id: ID!) { snapshotSegment(id: $id) { id count } }"
DIFF = """query ($from: ID!, $to: ID!) { segmentDiff(from: $from, to: $to) {
  joined(first: 20) { totalCount edges { node { id name } } }
  left(first: 20) { totalCount edges { node { id name } } } } }"""
MEMBERS = """query ($id: ID!) { segment(id: $id) { snapshots {
  customers(first: 20) { totalCount edges { node { id name } } } } } }"""
DELETE = "mutation ($id: ID!) { deleteSegment(id: $id) }"
console = Console(width=140)


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    settings, seeding_s = await prepare_graph(args, local, bolt_uri)
    reads: dict[str, Any] = {}
    writes: dict[str, Any] = {}
    async with graph_session(settings, start_local=False) as graph:
        rows = await graph.run_text("bench/ids", "MATCH (c:Customer) RETURN c.id AS id")
        rng = random.Random(f"history-bench:{args.seed}")
        ids = [row["id"] for row in rng.sample(rows, args.sample)]
        items: list[int] = []
        for name, document, extra in (
            ("timeline, first 20", TIMELINE, {}),
            ("tags(asOf: a year ago)", PAST_TAGS, {"asOf": "2025-11-01T00:00:00Z"}),
        ):
            for customer_id in ids:  # warm-up
                await execute(graph, settings, document, id=customer_id, **extra)
            times = [
                await timed(graph, settings, document, id=customer_id, **extra)
                for _ in range(args.repeat)
                for customer_id in ids
            ]
            reads[name] = summary(times)
        for customer_id in ids:
            data = await execute(graph, settings, TIMELINE, id=customer_id)
            items.append(data["customer"]["timeline"]["totalCount"])
        reads["timeline, first 20"]["items_median"] = statistics.median(items)
        reads["timeline, first 20"]["items_max"] = max(items)

        segment_id = (await execute(graph, settings, SAVE))["saveSegment"]["id"]
        try:
            taken: list[dict[str, Any]] = []
            seconds: list[float] = []
            for _ in range(args.snapshots):
                started = time.perf_counter()
                taken.append((await execute(graph, settings, SNAPSHOT, id=segment_id))[
                    "snapshotSegment"])  # fmt: skip
                seconds.append(time.perf_counter() - started)
            writes["snapshotSegment (every customer)"] = {
                "members": taken[0]["count"],
                "seconds": [round(s, 2) for s in seconds],
            }
            pair = {"from": taken[0]["id"], "to": taken[-1]["id"]}
            for name, document, variables in (
                ("segmentDiff, first 20 of each", DIFF, pair),
                ("Segment.snapshots' first pages", MEMBERS, {"id": segment_id}),
            ):
                await execute(graph, settings, document, **variables)
                times = [
                    await timed(graph, settings, document, **variables) for _ in range(args.repeat)
                ]
                reads[name] = summary(times)
        finally:
            await execute(graph, settings, DELETE, id=segment_id)
    return {
        "settings": {"customers": args.customers, "sample": args.sample, "repeat": args.repeat},
        "seeding_s": seeding_s,
        "reads": reads,
        "writes": writes,
    }


def show(result: dict[str, Any]) -> None:
    table = Table(title=f"History and snapshots: {result['settings']['customers']:,} customers")
    for column in ["request", "p50 ms", "p95 ms", "max ms"]:
        table.add_column(column)
    for name, row in result["reads"].items():
        table.add_row(name, f"{row['p50_ms']:.2f}", f"{row['p95_ms']:.2f}", f"{row['max_ms']:.2f}")
    console.print(table)
    for name, row in result["writes"].items():
        console.print(f"{name}: {row['members']:,} members in {row['seconds']} s")


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.add_argument("--sample", type=int, default=40, help="customers to read")
    parser.add_argument("--repeat", type=int, default=3, help="counted rounds")
    parser.add_argument("--snapshots", type=int, default=2, help="snapshots to take")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run_on_local_neo4j(args, "c360-historybench-", bench)
    out = save_result("history", args.customers, result)
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
