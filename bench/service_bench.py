"""Service benchmark on the 100k demo graph (issue 18): the tasks and tickets queues,
serviceLevels over 90 days and feedbackSummary, with 200k tickets, 100k scored feedback and
100k tasks (the issue's sizes).

    flock /tmp/c360-bench.lock .venv/bin/python bench/service_bench.py [--customers 100000]
        [--home DIR] [--keep] [--tickets 200000] [--feedback 100000] [--tasks 100000]
        [--repeat 20]

Neo4j, migration and seeding as in bench/segment_bench.py (a seeded `--home` is reused). The
demo's own tickets and feedback are topped up to the sizes asked with the demo's generator
(an import, so they are written as any import writes them); tasks are created by a statement
of this script. Every request runs through the real path: the document executed in-process by
the served schema with a fresh request context; only HTTP is left out. Results:
bench/results/service-<time>.json (git-ignored) and a table.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from datetime import UTC, datetime, timedelta
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

from graph.db import Graph, graph_session  # noqa: E402
from graph.ingest.importer import import_records  # noqa: E402
from graph.ingest.seed import AGENTS, REFERENCE_TIME, SCORE_WEIGHTS, ticket_fields  # noqa: E402
from graph.local.instance import LocalNeo4j  # noqa: E402

TICKETS = """query ($s: [TicketStatus!], $p: [TicketPriority!], $a: String, $after: String,
    $count: Boolean = true) {
  tickets(status: $s, priority: $p, assignee: $a, first: 20, after: $after) {
    totalCount @include(if: $count) pageInfo { endCursor }
    edges { node { id occurredAt status priority customer { id name } } } } }"""
TASKS = """query ($s: [TaskStatus!], $a: String, $due: DateTime, $after: String,
    $count: Boolean = true) {
  tasks(status: $s, assignee: $a, dueBefore: $due, first: 20, after: $after) {
    totalCount @include(if: $count) pageInfo { endCursor }
    edges { node { id title dueAt customer { id name } } } } }"""
LEVELS = """query ($from: DateTime!, $to: DateTime!) { serviceLevels(from: $from, to: $to) {
  priority tickets open medianFirstResponseMinutes medianResolutionHours breached } }"""
FEEDBACK = """query ($tag: String, $from: DateTime) { feedbackSummary(byTag: $tag, from: $from) {
  group responses averageScore nps } }"""
# Bench-only setup: tasks for random customers, due around the reference time.
MAKE_TASKS = """
MATCH (c:Customer) WITH collect(c) AS customers
UNWIND range(1, $n) AS k
WITH customers[toInteger(rand() * size(customers))] AS c, k
CREATE (c)-[:HAS_TASK]->(:Task {
  id: 'bench-task-' + k, title: '回访', createdAt: $ref, status: $statuses[k % size($statuses)],
  assignee: $agents[k % size($agents)],
  dueAt: CASE WHEN k % 10 = 0 THEN null ELSE $ref + duration({hours: (k * 7919) % 2000 - 1000}) END
})
"""
COUNT_TICKETS = "MATCH (i:Interaction {type: 'TICKET'}) RETURN count(i) AS n"
COUNT_FEEDBACK = """MATCH (i:Interaction {type: 'FEEDBACK'}) WHERE i.score IS NOT NULL
RETURN count(i) AS n"""
console = Console(width=140)


async def count(graph: Graph, label_query: str) -> int:
    rows = await graph.run_text("bench/count", label_query)
    return int(rows[0]["n"])


async def top_up(graph: Graph, args: argparse.Namespace) -> dict[str, int]:
    """Add tickets, feedback and tasks up to the sizes asked; returns what was added."""
    rng = random.Random(f"service-bench:{args.seed}")
    ids = [
        r["id"] for r in await graph.run_text("bench/ids", "MATCH (c:Customer) RETURN c.id AS id")
    ]
    have_tickets = await count(graph, "MATCH (i:Interaction {type: 'TICKET'}) RETURN count(i) AS n")
    have_feedback = await count(
        graph,
        "MATCH (i:Interaction {type: 'FEEDBACK'}) WHERE i.score IS NOT NULL RETURN count(i) AS n",
    )
    start = int((REFERENCE_TIME - timedelta(days=730)).timestamp())

    def iso(ts: int) -> str:
        return datetime.fromtimestamp(ts, UTC).isoformat()

    span = int(REFERENCE_TIME.timestamp()) - start

    def lines() -> Any:
        for n in range(max(0, args.tickets - have_tickets)):
            opened = start + rng.randrange(span)
            line: dict[str, Any] = {
                "kind": "interaction", "id": f"BT{n:08d}", "type": "TICKET",
                "customerId": rng.choice(ids), "occurredAt": iso(opened),
            }  # fmt: skip
            ticket_fields(line, opened, random.Random(n))
            yield ("bench", n, line)
        for n in range(max(0, args.feedback - have_feedback)):
            yield ("bench", n, {
                "kind": "interaction", "id": f"BF{n:08d}", "type": "FEEDBACK",
                "customerId": rng.choice(ids), "occurredAt": iso(start + rng.randrange(span)),
                "score": rng.choices(range(11), weights=SCORE_WEIGHTS)[0],
            })  # fmt: skip

    report = await import_records(graph, lines())
    have_tasks = await count(graph, "MATCH (t:Task) RETURN count(t) AS n")
    tasks = max(0, args.tasks - have_tasks)
    if tasks:
        await graph.run_text(
            "bench/tasks", MAKE_TASKS, write=True, n=tasks, ref=REFERENCE_TIME,
            statuses=["OPEN", "OPEN", "DONE", "CANCELLED"], agents=list(AGENTS),
        )  # fmt: skip
    return {"interactions": report.applied["interaction"], "tasks": tasks}


async def bench(args: argparse.Namespace, local: LocalNeo4j, bolt_uri: str) -> dict[str, Any]:
    settings, seeding_s = await prepare_graph(args, local, bolt_uri)
    reads: dict[str, Any] = {}
    async with graph_session(settings, start_local=False) as graph:
        with console.status("topping up tickets, feedback and tasks ..."):
            added = await top_up(graph, args)
        sizes = {
            "tickets": await count(graph, COUNT_TICKETS),
            "feedback": await count(graph, COUNT_FEEDBACK),
            "tasks": await count(graph, "MATCH (t:Task) RETURN count(t) AS n"),
        }
        week = (REFERENCE_TIME + timedelta(days=7)).isoformat()
        quarter = {"from": (REFERENCE_TIME - timedelta(days=90)).isoformat(),
                   "to": REFERENCE_TIME.isoformat()}  # fmt: skip
        cases: list[tuple[str, str, dict[str, Any]]] = [
            ("tickets, first page", TICKETS, {}),
            ("tickets OPEN/PENDING", TICKETS, {"s": ["OPEN", "PENDING"]}),
            ("tickets URGENT of li", TICKETS, {"p": ["URGENT"], "a": "li"}),
            (
                "tickets OPEN/PENDING, no totalCount",
                TICKETS,
                {"s": ["OPEN", "PENDING"], "count": False},
            ),
            (
                "tickets URGENT of li, no totalCount",
                TICKETS,
                {"p": ["URGENT"], "a": "li", "count": False},
            ),
            # few tickets pass all three filters (a page once walked every ticket to fill)
            ("tickets OPEN URGENT of li", TICKETS, {"s": ["OPEN"], "p": ["URGENT"], "a": "li"}),
            ("tasks, first page", TASKS, {}),
            ("tasks OPEN of li due this week", TASKS, {"s": ["OPEN"], "a": "li", "due": week}),
            (
                "tasks OPEN of li due this week, no totalCount",
                TASKS,
                {"s": ["OPEN"], "a": "li", "due": week, "count": False},
            ),
            # no task passes (a page once walked every task to fill)
            ("tasks of nobody, no totalCount", TASKS, {"a": "nobody", "count": False}),
            ("serviceLevels, 90 days", LEVELS, quarter),
            ("feedbackSummary, everyone", FEEDBACK, {}),
            ("feedbackSummary by 价值分层", FEEDBACK, {"tag": "价值分层"}),
        ]
        for name, document, variables in cases:
            await execute(graph, settings, document, **variables)  # warm-up
            times = [
                await timed(graph, settings, document, **variables) for _ in range(args.repeat)
            ]
            reads[name] = summary(times)
        # deep pages: the 50th page costs what the first does (keyset cursors)
        for name, document, key in (("tickets, page 50", TICKETS, "tickets"),
                                    ("tasks, page 50", TASKS, "tasks")):  # fmt: skip
            after = None
            for _ in range(49):
                data = await execute(graph, settings, document, after=after)
                after = data[key]["pageInfo"]["endCursor"]
            times = [
                await timed(graph, settings, document, after=after) for _ in range(args.repeat)
            ]
            reads[name] = summary(times)
        example = {
            "serviceLevels": (await execute(graph, settings, LEVELS, **quarter))["serviceLevels"],
            "feedbackSummary": (await execute(graph, settings, FEEDBACK, tag="价值分层"))[
                "feedbackSummary"],
        }  # fmt: skip
    return {
        "settings": {"customers": args.customers, "repeat": args.repeat, **sizes},
        "seeding_s": seeding_s,
        "added": added,
        "reads": reads,
        "example": example,
        "at": datetime.now(UTC).isoformat(),
    }


def show(result: dict[str, Any]) -> None:
    s = result["settings"]
    table = Table(
        title=f"Service: {s['customers']:,} customers, {s['tickets']:,} tickets, "
        f"{s['feedback']:,} scored feedback, {s['tasks']:,} tasks"
    )
    for column in ["request", "p50 ms", "p95 ms", "max ms"]:
        table.add_column(column)
    for name, row in result["reads"].items():
        table.add_row(name, f"{row['p50_ms']:.2f}", f"{row['p95_ms']:.2f}", f"{row['max_ms']:.2f}")
    console.print(table)


def main() -> None:
    parser = graph_bench_parser(__doc__)
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--feedback", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="counted runs of each request")
    args = parser.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    result = run_on_local_neo4j(args, "c360-servicebench-", bench)
    out = save_result("service", args.customers, result)
    show(result)
    console.print(f"Saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
