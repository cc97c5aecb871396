"""Journeys benchmark on the 100k demo graph (issue 18 item 5, target 2 s at 100k customers):
`stageTransitions` over the whole history and a window, `journey` of everyone and of a few
segments.

    flock /tmp/c360-bench.lock .venv/bin/python bench/journey_bench.py [--customers 100000]
        [--home DIR] [--keep] [--warmup 2] [--repeat 10] [--profile]

Neo4j, migration and seeding as in bench/segment_bench.py (a seeded `--home` is reused).
Every request runs through the real path: the document executed in-process by the served
schema with a fresh request context, as an analyst; only HTTP is left out. Warm-up runs come
first and are not counted; then `--repeat` rounds run every request once each (round-robin).
`--profile` prints each request's statements' db hits and PROFILE plan. Results:
bench/results/journeys-<customers>-<time>.json (git-ignored) and a table.
"""

from __future__ import annotations

import argparse
import logging
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
    percentile,
    plan_lines,
    prepare_graph,
    run_on_local_neo4j,
    save_result,
    sum_hits,
)

from core.settings import Settings  # noqa: E402
from graph.db import Graph, counting_round_trips, graph_session  # noqa: E402
from graph.local.instance import LocalNeo4j  # noqa: E402
from security.roles import Principal, Role  # noqa: E402

READER = Principal.of("journey-bench", [Role.ANALYST])
TARGET_MS = 2000
TRANSITIONS = """query ($from: DateTime, $to: DateTime) {
  stageTransitions(from: $from, to: $to) { from to customers medianDaysInFrom } }"""
JOURNEY = """query ($d: SegmentDefinition) {
  journey(definition: $d) { stage customers medianDays } }"""
# (name, document, variables)
REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("stageTransitions, all history", TRANSITIONS, {}),
    (
        "stageTransitions, 2026",
        TRANSITIONS,
        {"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"},
    ),
    ("journey, everyone", JOURNEY, {}),
    ("journey, tag 高价值客户", JOURNEY, {"d": {"anyTags": ["高价值客户"]}}),
    ("journey, city 上海", JOURNEY, {"d": {"cities": ["上海"]}}),
    (
        "journey, 3+ purchases in 365 days",
        JOURNEY,
        {"d": {"minPurchaseCount": 3, "withinDays": 365}},
    ),
]
console = Console(width=140)


async def run(graph: Graph, settings: Settings, document: str, variables: dict[str, Any]) -> Any:
    return await execute(graph, settings, document, READER, **variables)


async def profiled(
    graph: Graph, settings: Settings, document: str, variables: dict[str, Any]
) -> list[dict[str, Any]]:
    """The request's statements, each PROFILEd: its name, db hits and plan."""
    with counting_round_trips() as counter:
        await run(graph, settings, document, variables)
    out = []
    async with graph.driver.session(database=graph.database) as session:
        for name, text, params in counter.statements:
            result = await session.run("PROFILE " + text, params)
            summary = await result.consume()
            plan = summary.profile or {}
            out.append({"statement": name, "db_hits": sum_hits(plan), "plan": plan_lines(plan)})
    return out


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    settings, seeding_s = await prepare_graph(args, local, bolt_uri)
    results: dict[str, Any] = {}
    async with graph_session(settings, start_local=False) as graph:
        answers: dict[str, Any] = {}
        for _ in range(args.warmup):
            for name, document, variables in REQUESTS:
                answers[name] = await run(graph, settings, document, variables)
        times: dict[str, list[float]] = {name: [] for name, _, _ in REQUESTS}
        trips: dict[str, int] = {}
        for n in range(args.repeat):
            for name, document, variables in REQUESTS:
                with counting_round_trips(keep_statements=False) as counter:
                    started = time.perf_counter()
                    answers[name] = await run(graph, settings, document, variables)
                    times[name].append((time.perf_counter() - started) * 1000)
                trips[name] = counter.count
            console.print(f"round {n + 1}/{args.repeat} done", style="dim")
        for name, document, variables in REQUESTS:
            ms = times[name]
            [rows] = answers[name].values()
            results[name] = {
                "variables": variables,
                "rows": len(rows),
                "customers": rows[0]["customers"] if rows else 0,
                "round_trips": trips[name],
                "p50_ms": round(statistics.median(ms), 1),
                "p90_ms": round(percentile(ms, 90), 1),
                "max_ms": round(max(ms), 1),
                "met": statistics.median(ms) <= TARGET_MS,
                "runs_ms": [round(t, 1) for t in ms],
            }
            if args.profile:
                results[name]["profile"] = await profiled(graph, settings, document, variables)
    return {
        "settings": {"customers": args.customers, "warmup": args.warmup, "repeat": args.repeat},
        "seeding_s": seeding_s,
        "target_ms": TARGET_MS,
        "results": results,
    }


def show(result: dict[str, Any]) -> None:
    customers = result["settings"]["customers"]
    table = Table(title=f"Journeys: {customers:,} customers (target p50 {TARGET_MS:,} ms)")
    for column in ["request", "rows", "first row's customers", "trips", "p50 ms", "p90 ms", "max"]:
        table.add_column(column)
    for name, row in result["results"].items():
        table.add_row(
            name,
            str(row["rows"]),
            f"{row['customers']:,}",
            str(row["round_trips"]),
            f"{row['p50_ms']:.1f}",
            f"{row['p90_ms']:.1f}",
            f"{row['max_ms']:.1f}",
        )
    console.print(table)
    for name, row in result["results"].items():
        for statement in row.get("profile", []):
            console.print(f"\n{name}: {statement['statement']}, {statement['db_hits']:,} db hits")
            console.print("\n".join(statement["plan"]), highlight=False, soft_wrap=True)


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.add_argument("--warmup", type=int, default=2, help="uncounted runs of each request")
    parser.add_argument("--repeat", type=int, default=10, help="counted rounds")
    parser.add_argument("--profile", action="store_true", help="PROFILE each request's Cypher")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run_on_local_neo4j(args, "c360-journeybench-", bench)
    out = save_result("journeys", args.customers, result)
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
