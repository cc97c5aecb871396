"""The floor under the import's speed: Neo4j CPU for the simplest Cypher that writes each kind.

    export C360_HOME=DIR    # a local Neo4j (`c360 neo4j start`) holding a seeded graph
    flock /tmp/c360-bench.lock .venv/bin/python bench/import_floor.py [--rows 50000] [--repeat 3]

For every line kind the statement below writes `--rows` new rows in batches of 5,000 (one
`UNWIND` transaction each), with no validation, no upsert, no tag event and no recount: it
only creates what the line stands for, with plain `CREATE`s on keys looked up by index. The
CPU time of the Neo4j JVM (`/proc/PID/stat`) is read around each run, so the result is the
server's CPU per row, the least any import through batched Cypher can cost on this engine.
Run on a warm server (run it twice, or after a seed); the rows it writes stay in the graph
(ids start with `FLOOR`), so use a throw-away C360_HOME. docs/benchmarks.md has the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from typing import Any

from import_bench import cpu_seconds

from core.settings import Settings
from graph.db import open_graph

BATCH = 5000

# The least Cypher that creates what one line of each kind stands for.
FLOOR_STATEMENTS = {
    "interaction": """UNWIND $rows AS row
MATCH (c:Customer {id: row.customerId})
MATCH (p:Product {id: row.productId})
CREATE (c)-[:HAD]->(i:Interaction {id: row.id, type: row.type, amount: row.amount,
  quantity: row.quantity, channel: row.channel, occurredAt: datetime(row.at)})-[:ABOUT]->(p)""",
    "tagAssignment": """UNWIND $rows AS row
MATCH (c:Customer {id: row.customerId})
MATCH (t:Tag {name: row.tag})
CREATE (c)-[:HAS_TAG {source: 'IMPORT', assignedAt: datetime(row.at)}]->(t)""",
    "customer": """UNWIND $rows AS row
CREATE (:Customer {id: row.id, name: row.name, email: row.email, phone: row.phone,
  gender: row.gender, city: row.city, region: row.region, source: row.source,
  birthDate: date(row.birthDate), createdAt: datetime(row.at)})""",
    "stage": """UNWIND $rows AS row
MATCH (c:Customer {id: row.customerId})
MATCH (s:LifecycleStage {name: row.stage})
CREATE (c)-[:IN_STAGE {since: datetime(row.at)}]->(s)""",
    "tag event": """UNWIND $rows AS row
CREATE (:TagEvent:PendingTagEvent {change: 'ADDED', source: 'IMPORT', at: datetime(row.at),
  customerId: row.customerId, tagId: row.tag, tagName: row.tag})""",
}


async def measure(rows: int, repeat: int) -> dict[str, list[float]]:
    settings = Settings()
    pid = int((settings.c360_home / "neo4j.pid").read_text())
    graph = await open_graph(settings)
    try:

        async def ids(text: str) -> list[str]:
            return [r["id"] for r in await graph.run_text("floor", text)]

        customers = await ids("MATCH (c:Customer) RETURN c.id AS id LIMIT 5000")
        products = await ids("MATCH (p:Product) RETURN p.id AS id")
        tags = await ids("MATCH (t:Tag) RETURN t.name AS id")
        stages = await ids("MATCH (s:LifecycleStage) RETURN s.name AS id")
        if not (customers and products and tags):
            raise SystemExit("seed the graph first: c360 seed --customers 20000")
        rng = random.Random(1)
        results: dict[str, list[float]] = {kind: [] for kind in FLOOR_STATEMENTS}
        for round_ in range(repeat):
            for kind, statement in FLOOR_STATEMENTS.items():
                batch: list[dict[str, Any]] = [
                    {
                        "id": f"FLOOR-{os.getpid()}-{kind}-{round_}-{n}",
                        "customerId": rng.choice(customers),
                        "productId": rng.choice(products),
                        "tag": rng.choice(tags),
                        "stage": rng.choice(stages),
                        "at": "2025-03-04T05:06:07Z",
                        "birthDate": "1990-01-02",
                        "type": "PURCHASE",
                        "amount": 12.5,
                        "quantity": 1,
                        "channel": "APP",
                        "name": "张三",
                        "email": f"floor{n}@example.com",
                        "phone": "+8613800138000",
                        "gender": "F",
                        "city": "上海",
                        "region": "华东",
                        "source": "APP",
                    }
                    for n in range(rows)
                ]
                cpu, wall = cpu_seconds(pid), time.perf_counter()
                for start in range(0, rows, BATCH):
                    await graph.run_text(
                        kind, statement, write=True, rows=batch[start : start + BATCH]
                    )
                cpu_us = 1e6 * (cpu_seconds(pid) - cpu) / rows
                wall_us = 1e6 * (time.perf_counter() - wall) / rows
                results[kind].append(cpu_us)
                print(f"{kind:14} Neo4j CPU {cpu_us:6.1f} µs/row  wall {wall_us:6.1f} µs/row")
        return results
    finally:
        await graph.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = asyncio.run(measure(args.rows, args.repeat))
    print("\nNeo4j CPU per row, lowest and median over the rounds:")
    for kind, values in results.items():
        print(f"{kind:14} {min(values):6.1f} / {statistics.median(values):6.1f} µs")


if __name__ == "__main__":
    main()
