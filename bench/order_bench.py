"""customers(orderBy:) benchmark on the 100k demo graph: a page of 20 at the start and deep
in the list (the 10,000th customer in that order, "page 500"), forward and backward, for
every order the contract lists (issue 16: page 500 should cost what page 1 costs).

    flock /tmp/c360-bench.lock .venv/bin/python bench/order_bench.py [--customers 100000]
        [--home DIR] [--keep] [--repeat 5] [--warmup 1]

Neo4j, migration and seeding as in bench/segment_bench.py (a seeded `--home` is reused). The
deep cursor is made from the 10,000th row of the order as the API would have made it. Each
page runs through the served schema in-process (`id name`, `totalCount`); only HTTP is left
out. Results: bench/results/order-<time>.json (git-ignored) and a table.
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
from resolvers.customers import Order, order_cursor  # noqa: E402
from schema.root import schema  # noqa: E402
from security.roles import Principal, Role  # noqa: E402

READER = Principal.of("order-bench", [Role.ANALYST])
PAGE = """query ($order: CustomerOrder, $after: String, $before: String, $first: Int,
  $last: Int) { customers(orderBy: $order, after: $after, before: $before, first: $first,
  last: $last) { totalCount edges { node { id name } } } }"""
FIELDS = {
    "NAME": "name",
    "CREATED_AT": "createdAt",
    "TOTAL_SPEND": "purchaseTotal",
    "LAST_PURCHASE_AT": "lastPurchaseAt",
}
DEEP = 10_000
console = Console(width=140)


async def deep_cursor(graph: Graph, field: str, descending: bool) -> str:
    """The cursor of the DEEP-th customer in this order, as the API makes it."""
    direction = "DESC" if descending else "ASC"
    [row] = await graph.run_text(
        "bench/deep_key",
        "MATCH (c:Customer) WITH c, c[$p] AS v "
        f"ORDER BY v IS NULL, v {direction}, c.id SKIP $deep LIMIT 1 "
        "RETURN [v IS NULL, CASE WHEN v IS :: ZONED DATETIME THEN toString(v) ELSE v END, c.id]"
        " AS key",
        p=FIELDS[field],
        deep=DEEP - 1,
    )
    return order_cursor(Order(field, descending), row["key"])


async def page(graph: Graph, settings: Settings, variables: dict[str, Any]) -> float:
    started = time.perf_counter()
    result = await schema.execute(
        PAGE,
        variable_values=variables,
        context_value=Context(graph=graph, settings=settings, principal=READER),
    )
    elapsed = (time.perf_counter() - started) * 1000
    if result.errors:
        raise SystemExit(f"{variables}: {[e.formatted for e in result.errors]}")
    return elapsed


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    settings, seeding_s = await prepare_graph(args, local, bolt_uri)
    rows: dict[str, Any] = {}
    async with graph_session(settings, start_local=False) as graph:
        for field in FIELDS:
            for descending in (False, True):
                order = {"field": field, "direction": "DESC" if descending else "ASC"}
                deep = await deep_cursor(graph, field, descending)
                cases = {
                    "page 1": {"order": order, "first": 20},
                    "page 500": {"order": order, "first": 20, "after": deep},
                    "page 500 backward": {"order": order, "last": 20, "before": deep},
                }
                for name, variables in cases.items():
                    for _ in range(args.warmup):
                        await page(graph, settings, variables)
                    times = [await page(graph, settings, variables) for _ in range(args.repeat)]
                    rows[f"{field} {order['direction']} {name}"] = {
                        "p50_ms": round(statistics.median(times), 1),
                        "p95_ms": round(percentile(times, 95), 1),
                    }
    return {
        "settings": {"customers": args.customers, "repeat": args.repeat},
        "seeding_s": seeding_s,
        "pages": rows,
    }


def show(result: dict[str, Any]) -> None:
    table = Table(title=f"customers(orderBy:): {result['settings']['customers']:,} customers")
    for column in ["order, page", "p50 ms", "p95 ms"]:
        table.add_column(column)
    for name, row in result["pages"].items():
        table.add_row(name, f"{row['p50_ms']:.1f}", f"{row['p95_ms']:.1f}")
    console.print(table)


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.add_argument("--warmup", type=int, default=1, help="uncounted runs of each page")
    parser.add_argument("--repeat", type=int, default=5, help="counted runs of each page")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run_on_local_neo4j(args, "c360-orderbench-", bench)
    out = save_result("order", args.customers, result)
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
