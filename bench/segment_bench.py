"""Segmentation benchmark: `segmentPreview { count }` on the 100k-customer demo graph.

    flock /tmp/c360-bench.lock .venv/bin/python bench/segment_bench.py [--customers 100000]
        [--home DIR] [--keep] [--repeat 10] [--warmup 2] [--only NAME ...] [--profile NAME]

It starts a local Neo4j (heap and page cache 4 GB, as the import benchmark) in a temporary
C360_HOME, or in `--home DIR`, runs `c360 migrate` (so indexes added to
cypher/schema/indexes.cypher exist), seeds it with `c360 seed --customers N` unless it already
holds exactly N seeded customers (seeding 100k takes about 4 minutes: give `--home` and
`--keep` to seed once and measure many times), then times each definition below through the
real path: the GraphQL document `segmentPreview(definition: $d, asOf: $asOf) { count }`
executed in-process by the served schema with a fresh request context each time (the
definition is validated, its tag names and product ids checked, compiled and counted exactly
as for a client; only HTTP is left out). `--warmup` runs of every definition come first and are
not counted; then `--repeat` rounds run every definition once each (round-robin, so a burst of
other work on the machine spreads over all of them).

asOf is the seed's reference time (2026-11-01), so counts are the same on every run.

Results: bench/results/segments-<time>.json (git-ignored) and a table on the terminal;
`--profile NAME` (or the slowest definition by default) also prints the PROFILE plan of its
compiled count query. Neo4j is stopped afterwards and a temporary folder removed; with
`--keep` it is left running (stop it with `C360_HOME=DIR .venv/bin/c360 neo4j stop`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import Settings  # noqa: E402
from graph.db import Graph, graph_session  # noqa: E402
from graph.ingest.seed import REFERENCE_TIME  # noqa: E402
from graph.local.instance import USER, LocalNeo4j  # noqa: E402
from graph.migrate import migrate  # noqa: E402
from graph.segments import compile_segment, parse_definition  # noqa: E402
from graph.segments.evaluation import check  # noqa: E402
from resolvers.context import Context  # noqa: E402
from schema.root import schema  # noqa: E402
from security.roles import Principal, Role  # noqa: E402

RESULTS = ROOT / "bench" / "results"
READER = Principal.of("bench", [Role.ANALYST])  # every request needs a role
console = Console(width=140)

PREVIEW = """
query ($d: SegmentDefinition!, $asOf: DateTime) {
  segmentPreview(definition: $d, asOf: $asOf) { count }
}
"""
AS_OF = REFERENCE_TIME
TARGET_MS = {"tag": 300, "attribute": 300, "behaviour": 1000, "mixed": 1000}


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # tag / attribute / behaviour / mixed: decides the target
    what: str  # the question in words
    definition: dict[str, Any]


def cases(phones: list[str], computers: list[str]) -> list[Case]:
    """The definitions measured. `phones`/`computers`: product ids of those categories (the
    contract has no category condition: a category is the list of its product ids)."""
    top_phone = phones[:1]
    return [
        # -- tags (a tag condition holds for the tag or any tag below it) -------------------
        Case("tag-leaf", "tag", "has VIP", {"anyTags": ["VIP"]}),
        Case("tag-parent", "tag", "any 价值分层 tier (3 children)", {"anyTags": ["价值分层"]}),
        Case("tag-root-all", "tag", "人口属性 (everyone, several ways)", {"anyTags": ["人口属性"]}),
        Case("tag-and", "tag", "高价值客户 AND 活跃客户", {"allTags": ["高价值客户", "活跃客户"]}),
        Case("tag-or", "tag", "VIP OR 高频购买", {"anyTags": ["VIP", "高频购买"]}),
        Case("tag-not", "tag", "NOT 休眠客户", {"noneTags": ["休眠客户"]}),
        Case(
            "tag-and-not",
            "tag",
            "价值分层 AND NOT 休眠客户",
            {"anyTags": ["价值分层"], "noneTags": ["休眠客户"]},
        ),
        Case("source-tag", "tag", "came from 小程序 (渠道来源 tag)", {"anyTags": ["小程序"]}),
        # -- attributes ---------------------------------------------------------------------
        Case("region", "attribute", "region 华东", {"regions": ["华东"]}),
        Case("cities", "attribute", "city 上海 or 杭州", {"cities": ["上海", "杭州"]}),
        Case("gender", "attribute", "gender F", {"genders": ["F"]}),
        Case("age-range", "attribute", "aged 25-34", {"minAge": 25, "maxAge": 34}),
        Case(
            "attrs-mixed",
            "attribute",
            "华东, F, aged 25-34",
            {"regions": ["华东"], "genders": ["F"], "minAge": 25, "maxAge": 34},
        ),
        Case("stage", "attribute", "stage LOYAL", {"stages": ["LOYAL"]}),
        Case(
            "not-city",
            "attribute",
            "NOT in 上海 (missing city counts)",
            {"not": {"cities": ["上海"]}},
        ),
        # -- behaviour ----------------------------------------------------------------------
        Case(
            "bought-product",
            "behaviour",
            "bought the top phone",
            {"purchasedAnyProducts": top_phone},
        ),
        Case(
            "bought-category",
            "behaviour",
            "bought any phone (15 products)",
            {"purchasedAnyProducts": phones},
        ),
        Case(
            "bought-all",
            "behaviour",
            "bought the top phone AND the top computer",
            {"purchasedAllProducts": [phones[0], computers[0]]},
        ),
        Case(
            "purchases-90d",
            "behaviour",
            ">= 1 purchase within 90 days",
            {"withinDays": 90, "minPurchaseCount": 1},
        ),
        Case(
            "purchases-3-365d",
            "behaviour",
            ">= 3 purchases within 365 days",
            {"withinDays": 365, "minPurchaseCount": 3},
        ),
        Case(
            "tickets-30d",
            "behaviour",
            "a TICKET within 30 days",
            {"interactionTypes": ["TICKET"], "withinDays": 30},
        ),
        Case(
            "views-5-30d",
            "behaviour",
            ">= 5 VIEWs within 30 days",
            {"interactionTypes": ["VIEW"], "minInteractions": 5, "withinDays": 30},
        ),
        Case(
            "interactions-10-90d",
            "behaviour",
            ">= 10 interactions of any type within 90 days",
            {"minInteractions": 10, "withinDays": 90},
        ),
        Case(
            "no-purchase-90d",
            "behaviour",
            "no purchase within 90 days",
            {"noPurchaseWithinDays": 90},
        ),
        Case(
            "spend-90d",
            "behaviour",
            "spent >= 5,000 within 90 days",
            {"withinDays": 90, "minTotalSpend": 5000},
        ),
        Case(
            "spend-0-365d",
            "behaviour",
            "spent nothing within 365 days (maxTotalSpend 0)",
            {"withinDays": 365, "maxTotalSpend": 0},
        ),
        Case("spend-all-time", "behaviour", "spent >= 20,000 ever", {"minTotalSpend": 20000}),
        # -- mixed --------------------------------------------------------------------------
        Case(
            "high-value-east-phone",
            "mixed",
            "高价值客户 in 华东, bought a phone, a purchase and no TICKET within 90 days",
            {
                "anyTags": ["高价值客户"],
                "regions": ["华东"],
                "purchasedAnyProducts": phones,
                "withinDays": 90,
                "minPurchaseCount": 1,
                "not": {"interactionTypes": ["TICKET"], "withinDays": 90},
            },
        ),
        Case(
            "vip-win-back",
            "mixed",
            "VIP with no purchase within 90 days",
            {"anyTags": ["VIP"], "noPurchaseWithinDays": 90},
        ),
        Case(
            "women-recent-buyers",
            "mixed",
            "F, and (>= 3 purchases or >= 10,000 spent) within 30 days",
            {
                "genders": ["F"],
                "or": [
                    {"withinDays": 30, "minPurchaseCount": 3},
                    {"withinDays": 30, "minTotalSpend": 10000},
                ],
            },
        ),
        Case(
            "at-risk-big-spenders",
            "mixed",
            "stage AT_RISK or DORMANT, spent >= 20,000 within 365 days",
            {"stages": ["AT_RISK", "DORMANT"], "withinDays": 365, "minTotalSpend": 20000},
        ),
        Case(
            "young-east-phone-viewers",
            "mixed",
            "华东, aged 18-24, >= 3 VIEWs within 30 days, not 企业客户",
            {
                "regions": ["华东"],
                "minAge": 18,
                "maxAge": 24,
                "interactionTypes": ["VIEW"],
                "minInteractions": 3,
                "withinDays": 30,
                "noneTags": ["企业客户"],
            },
        ),
    ]


# -- Neo4j and the graph ----------------------------------------------------------------------


def settings_for(local: LocalNeo4j, bolt_uri: str) -> Settings:
    return Settings(
        NEO4J_URI=bolt_uri,
        NEO4J_USER=USER,
        NEO4J_PASSWORD=local.password(),
        C360_HOME=local.home,
        C360_QUERY_TIMEOUT=300.0,
    )


async def seeded_customers(graph: Graph) -> int:
    rows = await graph.run_text(
        "bench/customers", "MATCH (c:Customer) RETURN count(c) AS n, max(c.id) AS last"
    )
    return int(rows[0]["n"])


def seed(local: LocalNeo4j, bolt_uri: str, customers: int, seed_value: int) -> float:
    """`c360 seed` as a user runs it; returns its wall time."""
    env = os.environ | {
        "NEO4J_URI": bolt_uri,
        "NEO4J_USER": USER,
        "NEO4J_PASSWORD": local.password(),
        "NEO4J_DATABASE": "neo4j",
        "C360_HOME": str(local.home),
    }
    command = [sys.executable, "-m", "cli", "seed", "--customers", str(customers)]
    command += ["--seed", str(seed_value)]
    console.print(f"$ c360 {' '.join(command[3:])}")
    started = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


async def category_products(graph: Graph, category: str) -> list[str]:
    rows = await graph.run_text(
        "bench/category_products",
        "MATCH (p:Product) WHERE p.category = $category RETURN p.id AS id ORDER BY p.id",
        category=category,
    )
    return [row["id"] for row in rows]


# -- measuring ----------------------------------------------------------------------------------


async def preview_count(graph: Graph, settings: Settings, definition: dict[str, Any]) -> int:
    """One `segmentPreview { count }` request, in-process, with its own context."""
    result = await schema.execute(
        PREVIEW,
        variable_values={"d": definition, "asOf": AS_OF.isoformat()},
        context_value=Context(graph=graph, settings=settings, principal=READER),
    )
    if result.errors:
        raise SystemExit(f"GraphQL errors: {[e.formatted for e in result.errors]}")
    assert result.data is not None
    return int(result.data["segmentPreview"]["count"])


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of the values."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


# -- running documents as the API does (in-process, a fresh request context each) ------------

BENCH_ADMIN = Principal.of("bench", [Role.ADMIN])


async def execute(
    graph: Graph,
    settings: Settings,
    document: str,
    principal: Principal = BENCH_ADMIN,
    **variables: Any,
) -> Any:
    """The document's data, executed by the served schema (as an admin by default); exits on
    an error."""
    result = await schema.execute(
        document,
        variable_values=variables,
        context_value=Context(graph=graph, settings=settings, principal=principal),
    )
    if result.errors:
        raise SystemExit(f"{document[:40]!r}: {[e.formatted for e in result.errors]}")
    return result.data


async def timed(graph: Graph, settings: Settings, document: str, **variables: Any) -> float:
    """Milliseconds to run the document."""
    started = time.perf_counter()
    await execute(graph, settings, document, **variables)
    return (time.perf_counter() - started) * 1000


def summary(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
    }


async def measure(
    graph: Graph, settings: Settings, chosen: list[Case], warmup: int, repeat: int
) -> dict[str, dict[str, Any]]:
    counts: dict[str, int] = {}
    for _ in range(warmup):
        for case in chosen:
            counts[case.name] = await preview_count(graph, settings, case.definition)
    times: dict[str, list[float]] = {case.name: [] for case in chosen}
    for n in range(repeat):
        for case in chosen:
            started = time.perf_counter()
            count = await preview_count(graph, settings, case.definition)
            times[case.name].append((time.perf_counter() - started) * 1000)
            if counts.setdefault(case.name, count) != count:
                raise SystemExit(f"{case.name}: count changed from {counts[case.name]} to {count}")
        console.print(f"round {n + 1}/{repeat} done", style="dim")
    out = {}
    for case in chosen:
        ms = times[case.name]
        target = TARGET_MS[case.kind]
        median = statistics.median(ms)
        out[case.name] = {
            "kind": case.kind,
            "what": case.what,
            "definition": case.definition,
            "count": counts[case.name],
            "median_ms": round(median, 1),
            "p90_ms": round(percentile(ms, 90), 1),
            "min_ms": round(min(ms), 1),
            "max_ms": round(max(ms), 1),
            "target_ms": target,
            "met": median <= target,
            "runs_ms": [round(t, 1) for t in ms],
        }
    return out


def plan_lines(plan: dict[str, Any], depth: int = 0) -> list[str]:
    """A PROFILE plan as an indented tree: operator, details, rows, db hits."""
    args = plan.get("args", {})
    details = str(args.get("Details", ""))
    line = (
        f"{'  ' * depth}+{plan['operatorType'].split('@')[0]}"
        f"{'  ' + details if details else ''}"
        f"  | rows {plan.get('rows', 0):,} | db hits {plan.get('dbHits', 0):,}"
    )
    lines = [line]
    for child in plan.get("children", []):
        lines += plan_lines(child, depth + 1)
    return lines


async def profile(graph: Graph, definition: dict[str, Any]) -> dict[str, Any]:
    """PROFILE of the compiled count query (what segmentPreview runs for `count`)."""
    parsed = parse_definition(definition)
    await check(graph, parsed)
    segment = compile_segment(parsed, AS_OF)
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run("PROFILE " + segment.count_query, segment.params)
        await result.consume()
        summary = await result.consume()
    plan = summary.profile or {}
    return {
        "cypher": segment.count_query,
        "params": {k: str(v) for k, v in segment.params.items()},
        "plan": plan_lines(plan),
        "db_hits": sum_hits(plan),
        "available_after_ms": summary.result_available_after,
    }


def sum_hits(plan: dict[str, Any]) -> int:
    return int(plan.get("dbHits", 0)) + sum(sum_hits(c) for c in plan.get("children", []))


# -- the run ------------------------------------------------------------------------------------


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    settings, seeding_s = await prepare_graph(args, local, bolt_uri)
    async with graph_session(settings, start_local=False) as graph:
        phones = await category_products(graph, "手机")
        computers = await category_products(graph, "电脑")
        chosen = [c for c in cases(phones, computers) if not args.only or c.name in args.only]
        if not chosen:
            raise SystemExit(f"no definitions named {args.only}")
        results = await measure(graph, settings, chosen, args.warmup, args.repeat)
        slowest = args.profile or max(results, key=lambda name: results[name]["median_ms"])
        definition = next(c.definition for c in cases(phones, computers) if c.name == slowest)
        profiled = await profile(graph, definition)
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
            "warmup": args.warmup,
            "repeat": args.repeat,
            "as_of": AS_OF.isoformat(),
        },
        "seeding_seconds": None if seeding_s is None else round(seeding_s, 1),
        "results": results,
        "profiled": {"name": slowest, **profiled},
    }


async def prepare_graph(
    args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str
) -> tuple[Settings, float | None]:
    """Migrate, and seed `args.customers` customers into an empty graph; returns the settings
    and the seeding time (None when the graph was seeded already)."""
    settings = settings_for(local, bolt_uri)
    seeding_s = None
    async with graph_session(settings, start_local=False) as graph:
        with console.status("c360 migrate ..."):
            await migrate(graph)
        found = await seeded_customers(graph)
    if found != args.customers:
        if found:
            raise SystemExit(
                f"{local.home} holds {found:,} customers, not {args.customers:,}: "
                "use another --home (or an empty one)"
            )
        seeding_s = seed(local, bolt_uri, args.customers, args.seed)
    return settings, seeding_s


Bench = Callable[[argparse.Namespace, LocalNeo4j, str], Awaitable[dict[str, Any]]]


def run_on_local_neo4j(args: argparse.Namespace, prefix: str, bench: Bench) -> dict[str, Any]:
    """Run `bench` on the local Neo4j in `--home` (a temporary one named `prefix...` when
    not given), started on a free port when not running; stopped afterwards unless --keep."""
    temporary = args.home is None
    home = Path(tempfile.mkdtemp(prefix=prefix)) if temporary else Path(args.home)
    local = LocalNeo4j(home)
    started_here = local.pid() is None
    try:
        with console.status(f"Starting Neo4j in {home} ..."):
            port = 0 if started_here else None
            status = local.start(port=port, heap=args.heap, pagecache=args.pagecache)
        return asyncio.run(bench(args, local, status.bolt_uri))
    finally:
        if args.keep:
            console.print(f"Kept Neo4j running in {home} (stop: C360_HOME={home} c360 neo4j stop)")
        else:
            with console.status("Stopping Neo4j ..."):
                local.stop()
            if temporary:
                shutil.rmtree(home, ignore_errors=True)


def run(args: argparse.Namespace) -> dict[str, Any]:
    return run_on_local_neo4j(args, "c360-segbench-", bench)


def show(result: dict[str, Any]) -> None:
    settings = result["settings"]
    table = Table(
        title=f"segmentPreview {{ count }}: {settings['customers']:,} customers, "
        f"{settings['repeat']} runs each after {settings['warmup']} warm-up"
    )
    for column in ("definition", "kind", "count", "median ms", "p90 ms", "target ms", "met"):
        table.add_column(column, justify="left" if column in ("definition", "kind") else "right")
    for name, r in result["results"].items():
        table.add_row(
            name,
            r["kind"],
            f"{r['count']:,}",
            f"{r['median_ms']:.0f}",
            f"{r['p90_ms']:.0f}",
            f"{r['target_ms']:,}",
            "yes" if r["met"] else "NO",
        )
    console.print(table)
    profiled = result["profiled"]
    console.print(f"PROFILE of {profiled['name']} ({profiled['db_hits']:,} db hits):")
    print(profiled["cypher"])
    print("\n".join(profiled["plan"]))


def graph_bench_parser(description: str | None) -> argparse.ArgumentParser:
    """The options every benchmark on the seeded demo graph takes (the graph, its Neo4j)."""
    parser = argparse.ArgumentParser(description=(description or "").splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--home", help="C360_HOME to use (and seed if empty) instead of a temp one")
    parser.add_argument("--keep", action="store_true", help="leave Neo4j running afterwards")
    parser.add_argument("--heap", default="4g", help="Neo4j JVM heap")
    parser.add_argument("--pagecache", default="4g", help="Neo4j page cache")
    return parser


def save_result(kind: str, customers: int, result: dict[str, Any]) -> Path:
    """bench/results/<kind>-<customers>-<time>.json (git-ignored); returns its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{kind}-{customers}-{stamp}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return out


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.add_argument("--warmup", type=int, default=2, help="uncounted runs of each definition")
    parser.add_argument("--repeat", type=int, default=10, help="counted runs of each definition")
    parser.add_argument("--only", nargs="+", help="measure only these definitions (by name)")
    parser.add_argument("--profile", help="PROFILE this definition (default: the slowest)")
    args = parser.parse_args()
    # Warnings Neo4j attaches to other queries (e.g. a label not in this graph) are not ours.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run(args)
    out = save_result("segments", args.customers, result)
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
