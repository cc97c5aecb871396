"""searchCustomers benchmark on the 100k demo graph (issue 16's targets: names p50 <= 30 ms,
p95 <= 100 ms; exact email and phone <= 10 ms).

    flock /tmp/c360-bench.lock .venv/bin/python bench/search_bench.py [--customers 100000]
        [--home DIR] [--keep] [--sample 40] [--repeat 3] [--warmup 1]

Neo4j, migration and seeding as in bench/segment_bench.py (a seeded `--home` is reused).
Queries are drawn from the graph with a fixed seed: two-character parts of Chinese names (the
hard case: the trigram index cannot narrow two characters, and common pairs match many
customers), whole names, emails, and phones written the way people type them
(`138 0013 8000`). Each runs through the real path: the document executed in-process by the
served schema with a fresh request context (first page of 20, id name phone selected); only
HTTP is left out. Results: bench/results/search-<time>.json (git-ignored) and a table.
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
    graph_bench_parser,
    percentile,
    prepare_graph,
    run_on_local_neo4j,
    save_result,
)

from core.settings import Settings  # noqa: E402
from graph.db import Graph, graph_session  # noqa: E402
from graph.local.instance import LocalNeo4j  # noqa: E402
from resolvers.context import Context  # noqa: E402
from schema.root import schema  # noqa: E402
from security.roles import Principal, Role  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SEARCHER = Principal.of("search-bench", [Role.SALES])  # sees personal data: every kind works
SEARCH = """query ($q: String!) { searchCustomers(query: $q) {
  totalCount edges { node { id name phone } } } }"""
console = Console(width=140)


def spaced(phone: str) -> str:
    """+8613800138000 as people type it: 138 0013 8000."""
    digits = phone.removeprefix("+86")
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"


async def queries(graph: Graph, size: int, seed_value: int) -> dict[str, list[str]]:
    rng = random.Random(f"search-bench:{seed_value}")
    rows = await graph.run_text(
        "bench/people",
        "MATCH (c:Customer) RETURN c.name AS name, c.email AS email, c.phone AS phone "
        "ORDER BY c.id",
    )
    picked = rng.sample(rows, size)
    names = [row["name"] for row in picked if row["name"] and len(row["name"]) >= 2]
    return {
        "name part (2 chars)": [
            name[start : start + 2] for name in names for start in [rng.randrange(len(name) - 1)]
        ],
        "whole name": names,
        "email": [row["email"] for row in picked if row["email"]],
        "phone": [spaced(row["phone"]) for row in picked if (row["phone"] or "").startswith("+86")],
    }


async def ask(graph: Graph, settings: Settings, query: str) -> int:
    result = await schema.execute(
        SEARCH,
        variable_values={"q": query},
        context_value=Context(graph=graph, settings=settings, principal=SEARCHER),
    )
    if result.errors:
        raise SystemExit(f"{query!r}: {[e.formatted for e in result.errors]}")
    assert result.data is not None
    total: int = result.data["searchCustomers"]["totalCount"]
    return total


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    settings, seeding_s = await prepare_graph(args, local, bolt_uri)
    async with graph_session(settings, start_local=False) as graph:
        sample = await queries(graph, args.sample, args.seed)
        for _ in range(args.warmup):
            for kind_queries in sample.values():
                for query in kind_queries:
                    await ask(graph, settings, query)
        kinds: dict[str, Any] = {}
        for kind, kind_queries in sample.items():
            times: list[float] = []
            found: list[int] = []
            for _ in range(args.repeat):
                for query in kind_queries:
                    started = time.perf_counter()
                    found.append(await ask(graph, settings, query))
                    times.append((time.perf_counter() - started) * 1000)
            kinds[kind] = {
                "queries": len(kind_queries),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(percentile(times, 95), 2),
                "max_ms": round(max(times), 2),
                "matches_median": statistics.median(found),
                "matches_max": max(found),
            }
    return {
        "settings": {"customers": args.customers, "sample": args.sample, "repeat": args.repeat},
        "seeding_s": seeding_s,
        "kinds": kinds,
    }


def show(result: dict[str, Any]) -> None:
    table = Table(title=f"searchCustomers: {result['settings']['customers']:,} customers")
    for column in ["query", "queries", "p50 ms", "p95 ms", "max ms", "matches (median/max)"]:
        table.add_column(column)
    for kind, row in result["kinds"].items():
        table.add_row(
            kind,
            str(row["queries"]),
            f"{row['p50_ms']:.2f}",
            f"{row['p95_ms']:.2f}",
            f"{row['max_ms']:.2f}",
            f"{row['matches_median']:g} / {row['matches_max']}",
        )
    console.print(table)


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.add_argument("--sample", type=int, default=40, help="customers to draw queries from")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted rounds")
    parser.add_argument("--repeat", type=int, default=3, help="counted rounds")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run_on_local_neo4j(args, "c360-searchbench-", bench)
    out = save_result("search", args.customers, result)
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
