"""Traversal benchmark: similarCustomers, alsoBought and customerMap on the 100k demo graph.

    flock /tmp/c360-bench.lock .venv/bin/python bench/traversal_bench.py [--customers 100000]
        [--home DIR] [--keep] [--sample 30] [--repeat 5] [--warmup 1]

Neo4j, migration and seeding as in bench/segment_bench.py (a `--home` seeded by either
benchmark is reused: `--home /tmp/c360-segbench --keep`). Then each query runs through the real
path: the GraphQL document executed in-process by the served schema with a fresh request
context (arguments checked, one Cypher query, results shaped; only HTTP is left out), with the
contract's defaults (first 10; depth 2, limit 200), for:

- `--sample` customers drawn at random (fixed seed) plus the customer with the most
  interactions and the one holding the most tags (the worst cases), for similarCustomers and
  customerMap;
- `--sample` products at random plus the most purchased one, for alsoBought.

`--warmup` uncounted rounds, then `--repeat` rounds over the whole sample (round-robin).
Results: bench/results/traversal-<time>.json (git-ignored) and a table; the PROFILE of each
query for its slowest sample is printed (db hits and the plan).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segment_bench import (  # noqa: E402
    graph_bench_parser,
    percentile,
    plan_lines,
    prepare_graph,
    run_on_local_neo4j,
    save_result,
    sum_hits,
)

from core.settings import Settings  # noqa: E402
from graph.db import Graph, graph_session  # noqa: E402
from graph.local.instance import LocalNeo4j  # noqa: E402
from graph.queries import query  # noqa: E402
from resolvers.context import Context  # noqa: E402
from schema.root import schema  # noqa: E402
from security.roles import Principal, Role  # noqa: E402

RESULTS = ROOT / "bench" / "results"
READER = Principal.of("traversal-bench", [Role.ANALYST])  # as a token with a reading role
console = Console(width=140)

DOCUMENTS = {
    "similarCustomers": "query ($id: ID!) { similarCustomers(customerId: $id) "
    "{ customer { id } score sharedTags sharedProducts } }",
    "alsoBought": "query ($id: ID!) { alsoBought(productId: $id) { product { id } customers } }",
    "customerMap": "query ($id: ID!) { customerMap(customerId: $id) "
    "{ nodes { id label caption } edges { source target type } } }",
}
CYPHER = {
    "similarCustomers": ("traversal/similar_customers", "customerId", {"first": 10}),
    "alsoBought": ("traversal/also_bought", "productId", {"first": 10}),
    "customerMap": ("traversal/customer_map", "customerId", {"depth": 2, "limit": 200}),
}


async def sample_ids(graph: Graph, size: int, seed_value: int) -> dict[str, list[str]]:
    """Random customers and products, plus the worst cases (see the module docstring)."""
    rng = random.Random(f"traversal-bench:{seed_value}")
    customers = await graph.run_text(
        "bench/customer_ids", "MATCH (c:Customer) RETURN c.id AS id ORDER BY id"
    )
    products = await graph.run_text(
        "bench/product_ids", "MATCH (p:Product) RETURN p.id AS id ORDER BY id"
    )
    worst = await graph.run_text(
        "bench/worst",
        """CALL () { MATCH (c:Customer)
                     RETURN c.id AS busiest ORDER BY COUNT { (c)-[:HAD]->() } DESC, c.id LIMIT 1 }
           CALL () { MATCH (c:Customer)
                     RETURN c.id AS tagged
                     ORDER BY COUNT { (c)-[:HAS_TAG]->() } DESC, c.id LIMIT 1 }
           CALL () { MATCH (p:Product)
                     RETURN p.id AS popular
                     ORDER BY COUNT { (p)<-[:ABOUT]-(:Interaction {type: 'PURCHASE'}) } DESC, p.id
                     LIMIT 1 }
           RETURN busiest, tagged, popular""",
    )
    w = worst[0]
    picked_customers = rng.sample([r["id"] for r in customers], size)
    picked_products = rng.sample([r["id"] for r in products], min(size, len(products)))
    return {
        "customers": list(dict.fromkeys([*picked_customers, w["busiest"], w["tagged"]])),
        "products": list(dict.fromkeys([*picked_products, w["popular"]])),
        "worst_customers": [w["busiest"], w["tagged"]],
        "worst_products": [w["popular"]],
    }


async def ask(graph: Graph, settings: Settings, name: str, key: str) -> Any:
    result = await schema.execute(
        DOCUMENTS[name],
        variable_values={"id": key},
        context_value=Context(graph=graph, settings=settings, principal=READER),
    )
    if result.errors:
        raise SystemExit(f"{name}({key}): {[e.formatted for e in result.errors]}")
    assert result.data is not None
    return result.data[name]


def size_of(name: str, data: Any) -> int:
    return len(data["nodes"]) if name == "customerMap" else len(data)


async def measure(
    graph: Graph, settings: Settings, ids: dict[str, list[str]], warmup: int, repeat: int
) -> dict[str, dict[str, Any]]:
    keys = {
        "similarCustomers": ids["customers"],
        "alsoBought": ids["products"],
        "customerMap": ids["customers"],
    }
    for _ in range(warmup):
        for name, sample in keys.items():
            for key in sample:
                await ask(graph, settings, name, key)
    times: dict[str, dict[str, list[float]]] = {
        name: {key: [] for key in sample} for name, sample in keys.items()
    }
    sizes: dict[str, dict[str, int]] = {name: {} for name in keys}
    for n in range(repeat):
        for name, sample in keys.items():
            for key in sample:
                started = time.perf_counter()
                data = await ask(graph, settings, name, key)
                times[name][key].append((time.perf_counter() - started) * 1000)
                sizes[name][key] = size_of(name, data)
        console.print(f"round {n + 1}/{repeat} done", style="dim")
    out: dict[str, dict[str, Any]] = {}
    worst = set(ids["worst_customers"] + ids["worst_products"])
    for name, per_key in times.items():
        every = [t for ms in per_key.values() for t in ms]
        medians = {key: statistics.median(ms) for key, ms in per_key.items()}
        slowest = max(medians, key=medians.__getitem__)
        out[name] = {
            "samples": len(per_key),
            "runs": len(every),
            "median_ms": round(statistics.median(every), 1),
            "p90_ms": round(percentile(every, 90), 1),
            "max_ms": round(max(every), 1),
            "slowest": {"id": slowest, "median_ms": round(medians[slowest], 1)},
            "worst_cases_ms": {key: round(medians[key], 1) for key in per_key if key in worst},
            "mean_result_size": round(statistics.mean(sizes[name].values()), 1),
            "per_key_median_ms": {key: round(ms, 1) for key, ms in medians.items()},
        }
    return out


async def profile(graph: Graph, name: str, key: str) -> dict[str, Any]:
    file, argument, params = CYPHER[name]
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run("PROFILE " + query(file), {argument: key, **params})
        summary = await result.consume()
    plan = summary.profile or {}
    return {"id": key, "db_hits": sum_hits(plan), "plan": plan_lines(plan)}


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    settings, seeding_s = await prepare_graph(args, local, bolt_uri)
    async with graph_session(settings, start_local=False) as graph:
        ids = await sample_ids(graph, args.sample, args.seed)
        results = await measure(graph, settings, ids, args.warmup, args.repeat)
        profiles = {
            name: await profile(graph, name, r["slowest"]["id"]) for name, r in results.items()
        }
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {
            "customers": args.customers,
            "seed": args.seed,
            "heap": args.heap,
            "pagecache": args.pagecache,
            "sample": args.sample,
            "warmup": args.warmup,
            "repeat": args.repeat,
        },
        "seeding_seconds": None if seeding_s is None else round(seeding_s, 1),
        "worst": {"customers": ids["worst_customers"], "products": ids["worst_products"]},
        "results": results,
        "profiles": profiles,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    return run_on_local_neo4j(args, "c360-travbench-", bench)


def show(result: dict[str, Any]) -> None:
    s = result["settings"]
    table = Table(
        title=f"traversals: {s['customers']:,} customers, {s['sample']} random ids + worst "
        f"cases, {s['repeat']} runs each after {s['warmup']} warm-up"
    )
    for column in ("query", "ids", "median ms", "p90 ms", "max ms", "worst cases ms", "size"):
        table.add_column(
            column, justify="left" if column in ("query", "worst cases ms") else "right"
        )
    for name, r in result["results"].items():
        table.add_row(
            name,
            str(r["samples"]),
            f"{r['median_ms']:.0f}",
            f"{r['p90_ms']:.0f}",
            f"{r['max_ms']:.0f}",
            ", ".join(f"{k} {v:.0f}" for k, v in r["worst_cases_ms"].items()),
            f"{r['mean_result_size']:g}",
        )
    console.print(table)
    for name, p in result["profiles"].items():
        console.print(f"PROFILE {name}({p['id']}): {p['db_hits']:,} db hits")
        print("\n".join(p["plan"]))


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.add_argument("--sample", type=int, default=30, help="random customers and products")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted rounds")
    parser.add_argument("--repeat", type=int, default=5, help="counted rounds")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run(args)
    out = save_result("traversal", args.customers, result)
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
