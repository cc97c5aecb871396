"""Load a running c360 with the contract's read requests, for profiling (py-spy) between
../shared/peer/compare.sh runs, which give the numbers that count.

    .venv/bin/python bench/read_load.py --url http://127.0.0.1:8000/graphql --token T \
        --request R1 --concurrency 8 --seconds 20
    .venv/bin/py-spy record -o r1.svg --pid <c360 serve pid> --duration 20   # meanwhile

Customer ids are drawn from C0000001..C<customers> (the peer loader's and the seed's ids).
Prints requests per second and p50/p95 of the latencies it saw.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

import httpx2

R1 = """query ($id: ID!) { customer(id: $id) { id name email phone stage totalSpend purchaseCount
 lastPurchaseAt tags { name } purchasedProducts { id }
 interactions(first: 5) { totalCount edges { node { id } } } } }"""
R2 = """query ($a: String) { customers(first: 100, after: $a)
 { pageInfo { hasNextPage endCursor } edges { node { id name stage tags { name } } } } }"""


def variables(request: str, rng: random.Random, customers: int) -> dict[str, object]:
    if request == "R1":
        return {"id": f"C{rng.randint(1, customers):07d}"}
    return {"a": None}


async def worker(
    client: httpx2.AsyncClient,
    url: str,
    request: str,
    customers: int,
    until: float,
    latencies: list[float],
    seed: int,
) -> None:
    rng = random.Random(seed)
    text = R1 if request == "R1" else R2
    while time.monotonic() < until:
        started = time.perf_counter()
        response = await client.post(
            url, json={"query": text, "variables": variables(request, rng, customers)}
        )
        latencies.append(time.perf_counter() - started)
        body = response.json()
        if "errors" in body:
            raise SystemExit(f"errors: {body['errors']}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--request", choices=["R1", "R2"], default="R1")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {args.token}"}
    latencies: list[float] = []
    async with httpx2.AsyncClient(headers=headers, timeout=60) as client:
        until = time.monotonic() + args.seconds
        started = time.monotonic()
        await asyncio.gather(
            *(
                worker(client, args.url, args.request, args.customers, until, latencies, n)
                for n in range(args.concurrency)
            )
        )
        elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=20)
    print(
        f"{args.request}: {len(latencies) / elapsed:.1f} req/s, "
        f"p50 {statistics.median(latencies) * 1000:.2f} ms, p95 {cuts[18] * 1000:.2f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
