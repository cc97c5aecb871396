"""One deadline for all the Cypher of a request (graph/deadline.py), on the real Neo4j: the
driver call ends at it and Neo4j ends the transaction; a transaction past its own time limit
is TIMEOUT too, not an internal error."""

from __future__ import annotations

import asyncio
import time

import pytest

from core.errors import TimedOut
from graph.db import Graph
from graph.deadline import RequestTimeout, remaining, within

# Counts to 300 million: seconds of work on any machine, nothing written.
SLOW = "UNWIND range(1, 300000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n"


async def running(graph: Graph, name: str) -> list[str]:
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run(
            "SHOW TRANSACTIONS YIELD metaData WHERE metaData.query = $name "
            "RETURN metaData.query AS query",
            name=name,
        )
        return [record["query"] async for record in result]


async def test_the_deadline_ends_the_statement_and_its_transaction(graph: Graph) -> None:
    started = time.monotonic()
    with within(0.5), pytest.raises(RequestTimeout) as raised:
        await graph.run_text("tests/slow", SLOW)
    assert 0.45 < time.monotonic() - started < 1.5
    assert raised.value.code == "TIMEOUT"
    assert raised.value.message.startswith("the request ran longer than 0.5 s")
    for _ in range(30):  # Neo4j has ended it (its timeout, or the closed connection)
        if not await running(graph, "tests/slow"):
            break
        await asyncio.sleep(0.1)
    assert await running(graph, "tests/slow") == []


async def test_every_statement_shares_the_one_deadline(graph: Graph) -> None:
    with within(0.6):
        await graph.run_text("tests/fast", "RETURN 1 AS one")
        await asyncio.sleep(0.7)
        with pytest.raises(RequestTimeout):  # past it: nothing more starts
            remaining()
        with pytest.raises(RequestTimeout):
            await graph.run_text("tests/fast", "RETURN 1 AS one")
    assert remaining() is None  # outside the block: no deadline


async def test_a_nested_block_keeps_the_outer_deadline() -> None:
    with within(10):
        first = remaining()
        with within(100):
            inner = remaining()
    assert first is not None and inner is not None and inner <= first


async def test_a_transaction_past_its_time_limit_is_timeout(graph: Graph) -> None:
    short = Graph(graph.driver, graph.database, timeout_s=0.3)
    with pytest.raises(TimedOut) as raised:
        await short.run_text("tests/slow", SLOW)
    assert raised.value.code == "TIMEOUT"
    assert "C360_QUERY_TIMEOUT" in raised.value.message
