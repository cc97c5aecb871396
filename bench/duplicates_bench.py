"""duplicateCustomers benchmark on the 100k demo graph with 2% duplicates (issue 17's target:
the first page <= 1 s).

    flock /tmp/c360-bench.lock .venv/bin/python bench/duplicates_bench.py [--customers 100000]
        [--home DIR] [--keep] [--share 0.02] [--repeat 5]

Neo4j, migration and seeding as in bench/segment_bench.py (a seeded `--home` is reused). The
duplicates are added for the run and removed after it: for `share` of the customers, drawn
with a fixed seed, a new customer `DUP...` copying its email (a third of them), its phone (a
third) or its name and birthDate (a third), as an import from a second source would. The
first page (20 groups, their customers' ids and names) runs through the served schema
in-process. Results: bench/results/duplicates-<time>.json (git-ignored) and a table.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segment_bench import (  # noqa: E402
    console,
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

STEWARD = Principal.of("duplicates-bench", [Role.SALES])  # sees personal data
FIRST_PAGE = """{ duplicateCustomers(first: 20) {
  totalCount edges { node { reasons customers { id name } } } } }"""
COPY = """
UNWIND $rows AS row
MATCH (original:Customer {id: row.of})
CREATE (copy:Customer {id: row.id, name: original.name, createdAt: datetime()})
SET copy.nameKey = original.nameKey,
    copy.email = CASE row.key WHEN 'email' THEN original.email END,
    copy.phone = CASE row.key WHEN 'phone' THEN original.phone END,
    copy.birthDate = CASE row.key WHEN 'name+birthDate' THEN original.birthDate END
"""
REMOVE = "MATCH (c:Customer) WHERE c.id STARTS WITH 'DUP' DETACH DELETE c"


async def add_duplicates(graph: Graph, share: float, seed_value: int) -> int:
    rows = await graph.run_text(
        "bench/originals",
        "MATCH (c:Customer) WHERE c.email IS NOT NULL AND c.phone IS NOT NULL "
        "AND c.birthDate IS NOT NULL RETURN c.id AS id ORDER BY id",
    )
    rng = random.Random(f"duplicates-bench:{seed_value}")
    count = int(share * len(rows))
    keys = ("email", "phone", "name+birthDate")
    copies = [
        {"id": f"DUP{n:06d}", "of": row["id"], "key": keys[n % 3]}
        for n, row in enumerate(rng.sample(rows, count))
    ]
    await graph.run_text("bench/copies", COPY, write=True, rows=copies)
    return count


async def first_page(graph: Graph, settings: Settings) -> dict[str, Any]:
    result = await schema.execute(
        FIRST_PAGE, context_value=Context(graph=graph, settings=settings, principal=STEWARD)
    )
    if result.errors:
        raise SystemExit([e.formatted for e in result.errors])
    assert result.data is not None
    page: dict[str, Any] = result.data["duplicateCustomers"]
    return page


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    settings, seeding_s = await prepare_graph(args, local, bolt_uri)
    async with graph_session(settings, start_local=False) as graph:
        await graph.run_text("bench/clean", REMOVE, write=True)
        added = await add_duplicates(graph, args.share, args.seed)
        try:
            page = await first_page(graph, settings)  # warm-up
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                page = await first_page(graph, settings)
                times.append((time.perf_counter() - started) * 1000)
        finally:
            await graph.run_text("bench/clean", REMOVE, write=True)
    return {
        "settings": {"customers": args.customers, "share": args.share, "repeat": args.repeat},
        "seeding_s": seeding_s,
        "added": added,
        "groups": page["totalCount"],
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
    }


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.add_argument("--share", type=float, default=0.02, help="duplicates per customer")
    parser.add_argument("--repeat", type=int, default=5, help="counted runs")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run_on_local_neo4j(args, "c360-duplicatesbench-", bench)
    out = save_result("duplicates", args.customers, result)
    console.print(
        f"duplicateCustomers first page: {result['groups']:,} groups from {result['added']:,} "
        f"duplicates; p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms"
    )
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
