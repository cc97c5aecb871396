"""Tag health benchmark: `tagHealth` on the 100k-customer demo graph.

    flock /tmp/c360-bench.lock .venv/bin/python bench/tag_health_bench.py [--customers 100000]
        [--home DIR] [--keep] [--repeat 10] [--warmup 2] [--min-jaccard 0.9 0.5 0.01]

Neo4j, migration and seeding as bench/segment_bench.py (whose helpers it uses): give the same
`--home DIR --keep` to reuse one seeded graph for both. It times GraphQL documents executed
in-process by the served schema with a fresh request context each (only HTTP is left out):
each field of `tagHealth` alone, `redundant` at each `--min-jaccard`, and all three fields in
one document; round-robin over the documents, after `--warmup` uncounted rounds. Then it
PROFILEs cypher/tags/health/redundant.cypher at the first --min-jaccard.

Results: bench/results/tag-health-<customers>-<time>.json (git-ignored) and a table.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.segment_bench import (  # noqa: E402
    console,
    graph_bench_parser,
    percentile,
    plan_lines,
    save_result,
    seed,
    seeded_customers,
    settings_for,
    sum_hits,
)
from core.settings import Settings  # noqa: E402
from graph.db import Graph, counting_round_trips, graph_session  # noqa: E402
from graph.local.instance import LocalNeo4j  # noqa: E402
from graph.migrate import migrate  # noqa: E402
from graph.queries import query  # noqa: E402
from resolvers.context import Context  # noqa: E402
from schema.root import schema  # noqa: E402
from security.roles import Principal, Role  # noqa: E402

RESULTS = ROOT / "bench" / "results"
READER = Principal.of("bench", [Role.ANALYST])  # every request needs a role
PAIR = "{ a { name } b { name } jaccard }"


def documents(min_jaccards: list[float]) -> dict[str, str]:
    docs = {
        "unused": "{ tagHealth { unused { name } } }",
        "undescribed": "{ tagHealth { undescribed { name } } }",
    }
    for m in min_jaccards:
        docs[f"redundant({m})"] = f"{{ tagHealth {{ redundant(minJaccard: {m}) {PAIR} }} }}"
    docs[f"all three ({min_jaccards[0]})"] = (
        f"{{ tagHealth {{ unused {{ name }} undescribed {{ name }} "
        f"redundant(minJaccard: {min_jaccards[0]}) {PAIR} }} }}"
    )
    return docs


async def execute(graph: Graph, settings: Settings, document: str) -> tuple[Any, int]:
    with counting_round_trips() as counter:
        result = await schema.execute(
            document, context_value=Context(graph=graph, settings=settings, principal=READER)
        )
    if result.errors:
        raise SystemExit(f"GraphQL errors: {[e.formatted for e in result.errors]}")
    return result.data, counter.count


def rows_of(data: Any) -> int:
    return sum(len(v) for v in data["tagHealth"].values())


async def measure(
    graph: Graph, settings: Settings, docs: dict[str, str], warmup: int, repeat: int
) -> dict[str, dict[str, Any]]:
    answers: dict[str, Any] = {}
    trips: dict[str, int] = {}
    for _ in range(warmup):
        for name, doc in docs.items():
            answers[name], trips[name] = await execute(graph, settings, doc)
    times: dict[str, list[float]] = {name: [] for name in docs}
    for n in range(repeat):
        for name, doc in docs.items():
            started = time.perf_counter()
            data, _ = await execute(graph, settings, doc)
            times[name].append((time.perf_counter() - started) * 1000)
            if answers.setdefault(name, data) != data:
                raise SystemExit(f"{name}: the answer changed between runs")
        console.print(f"round {n + 1}/{repeat} done", style="dim")
    return {
        name: {
            "rows": rows_of(answers[name]),
            "round_trips": trips[name],
            "median_ms": round(statistics.median(ms), 1),
            "p90_ms": round(percentile(ms, 90), 1),
            "min_ms": round(min(ms), 1),
            "max_ms": round(max(ms), 1),
            "runs_ms": [round(t, 1) for t in ms],
            "answer": answers[name],
        }
        for name, ms in times.items()
    }


async def profile(graph: Graph, min_jaccard: float) -> dict[str, Any]:
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run(
            "PROFILE " + query("tags/health/redundant"), {"minJaccard": min_jaccard}
        )
        summary = await result.consume()
    plan = summary.profile or {}
    return {"min_jaccard": min_jaccard, "plan": plan_lines(plan), "db_hits": sum_hits(plan)}


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    settings = settings_for(local, bolt_uri)
    async with graph_session(settings, start_local=False) as graph:
        await migrate(graph)
        found = await seeded_customers(graph)
    if found != args.customers:
        if found:
            raise SystemExit(f"{local.home} holds {found:,} customers, not {args.customers:,}")
        seed(local, bolt_uri, args.customers, args.seed)
    async with graph_session(settings, start_local=False) as graph:
        counts = await graph.run_text(
            "bench/tag_counts",
            "MATCH (t:Tag) RETURN count(t) AS tags, COUNT { ()-[:HAS_TAG]->() } AS held",
        )
        docs = documents(args.min_jaccard)
        results = await measure(graph, settings, docs, args.warmup, args.repeat)
        profiled = await profile(graph, args.min_jaccard[0])
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": vars(args),
        "graph": {"customers": args.customers, **counts[0]},
        "results": results,
        "profiled": profiled,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    temporary = args.home is None
    home = Path(tempfile.mkdtemp(prefix="c360-taghealth-")) if temporary else Path(args.home)
    local = LocalNeo4j(home)
    started_here = local.pid() is None
    try:
        with console.status(f"Starting Neo4j in {home} ..."):
            status = local.start(
                port=0 if started_here else None, heap=args.heap, pagecache=args.pagecache
            )
        return asyncio.run(bench(args, local, status.bolt_uri))
    finally:
        if args.keep or not started_here:
            console.print(f"Left Neo4j running in {home} (stop: C360_HOME={home} c360 neo4j stop)")
        else:
            with console.status("Stopping Neo4j ..."):
                local.stop()
            if temporary:
                shutil.rmtree(home, ignore_errors=True)


def show(result: dict[str, Any]) -> None:
    graph = result["graph"]
    table = Table(
        title=f"tagHealth: {graph['customers']:,} customers, {graph['tags']} tags, "
        f"{graph['held']:,} HAS_TAG; {result['settings']['repeat']} runs each"
    )
    for column in ("document", "rows", "round trips", "median ms", "p90 ms", "min ms"):
        table.add_column(column, justify="left" if column == "document" else "right")
    for name, r in result["results"].items():
        table.add_row(
            name,
            str(r["rows"]),
            str(r["round_trips"]),
            f"{r['median_ms']:.0f}",
            f"{r['p90_ms']:.0f}",
            f"{r['min_ms']:.0f}",
        )
    console.print(table)
    profiled = result["profiled"]
    console.print(f"PROFILE redundant({profiled['min_jaccard']}): {profiled['db_hits']:,} db hits")
    print("\n".join(profiled["plan"]))


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.add_argument("--warmup", type=int, default=2, help="uncounted rounds")
    parser.add_argument("--repeat", type=int, default=10, help="counted rounds")
    parser.add_argument("--min-jaccard", type=float, nargs="+", default=[0.9, 0.5, 0.01])
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run(args)
    out = save_result("tag-health", args.customers, result)
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
