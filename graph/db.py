"""The one door to Neo4j: run named Cypher with parameters, count round trips.

`Graph` wraps one `AsyncDriver` (one per process, owned by whoever opened it). Reads and
writes are managed transactions through `execute_query`, so transient failures, including a
restart of the local Neo4j, are retried for `max_retry_time_s` before `GraphUnavailable`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncManagedTransaction, Query, RoutingControl
from neo4j.exceptions import AuthError, ConfigurationError, ServiceUnavailable, SessionExpired

from graph.errors import GraphUnavailable
from graph.local_neo4j import USER, LocalNeo4j
from graph.queries import check_params, query
from graph.settings import Settings

log = logging.getLogger("c360.cypher")
T = TypeVar("T")
Record = dict[str, Any]


@dataclass
class RoundTrips:
    """How many Cypher transactions ran; one is installed per GraphQL request."""

    count: int = 0


_round_trips: ContextVar[RoundTrips | None] = ContextVar("c360_round_trips", default=None)


@contextmanager
def counting_round_trips() -> Iterator[RoundTrips]:
    counter = RoundTrips()
    token = _round_trips.set(counter)
    try:
        yield counter
    finally:
        _round_trips.reset(token)


def _count() -> None:
    counter = _round_trips.get()
    if counter is not None:
        counter.count += 1


class Tx:
    """Named Cypher inside one transaction of `Graph.in_transaction`."""

    def __init__(self, tx: AsyncManagedTransaction) -> None:
        self._tx = tx

    async def run(self, name: str, /, **params: Any) -> list[Record]:
        check_params(name, params)
        return await self.run_text(name, query(name), **params)

    async def run_text(self, name: str, text: str, /, **params: Any) -> list[Record]:
        """Cypher built by a compiler (e.g. segments) rather than read from a file."""
        log.debug("%s %s", name, params)
        result = await self._tx.run(text, params)
        return [record.data() async for record in result]


class Graph:
    def __init__(self, driver: AsyncDriver, database: str, timeout_s: float) -> None:
        self.driver = driver
        self.database = database
        self.timeout_s = timeout_s

    def _query(self, name: str, text: str, /) -> Query:
        return Query(text, metadata={"app": "c360", "query": name}, timeout=self.timeout_s)

    async def _execute(
        self, name: str, text: str, routing: RoutingControl, /, **params: Any
    ) -> list[Record]:
        _count()
        log.debug("%s %s", name, params)
        try:
            records, _, _ = await self.driver.execute_query(
                self._query(name, text), params, routing_=routing, database_=self.database
            )
        except (ServiceUnavailable, SessionExpired, AuthError) as e:
            raise GraphUnavailable(f"Neo4j is not reachable: {e}") from e
        return [record.data() for record in records]

    async def read(self, name: str, /, **params: Any) -> list[Record]:
        check_params(name, params)
        return await self._execute(name, query(name), RoutingControl.READ, **params)

    async def read_one(self, name: str, /, **params: Any) -> Record | None:
        rows = await self.read(name, **params)
        return rows[0] if rows else None

    async def write(self, name: str, /, **params: Any) -> list[Record]:
        check_params(name, params)
        return await self._execute(name, query(name), RoutingControl.WRITE, **params)

    async def write_one(self, name: str, /, **params: Any) -> Record | None:
        rows = await self.write(name, **params)
        return rows[0] if rows else None

    async def run_text(
        self, name: str, text: str, /, *, write: bool = False, **params: Any
    ) -> list[Record]:
        """Cypher built by a compiler (e.g. segments) rather than read from a file."""
        routing = RoutingControl.WRITE if write else RoutingControl.READ
        return await self._execute(name, text, routing, **params)

    async def in_transaction(self, work: Callable[[Tx], Awaitable[T]]) -> T:
        """Several statements in one write transaction, retried as a whole on transient
        errors (so `work` must be safe to run again)."""
        _count()

        @neo4j.unit_of_work(timeout=self.timeout_s, metadata={"app": "c360", "query": "tx"})
        async def managed(tx: AsyncManagedTransaction) -> T:
            return await work(Tx(tx))

        try:
            async with self.driver.session(database=self.database) as session:
                return await session.execute_write(managed)
        except (ServiceUnavailable, SessionExpired, AuthError) as e:
            raise GraphUnavailable(f"Neo4j is not reachable: {e}") from e

    async def close(self) -> None:
        await self.driver.close()


def connection(settings: Settings, *, start_local: bool = True) -> tuple[str, tuple[str, str]]:
    """URI and credentials: `NEO4J_URI` when set, else the local Neo4j (started if needed)."""
    if settings.neo4j_uri:
        return settings.neo4j_uri, (settings.neo4j_user, settings.neo4j_password or "")
    local = LocalNeo4j(settings.c360_home)
    status = local.start() if start_local else local.status()
    return status.bolt_uri, (USER, local.password())


async def open_graph(settings: Settings, *, start_local: bool = True) -> Graph:
    uri, auth = connection(settings, start_local=start_local)
    try:
        driver = neo4j.AsyncGraphDatabase.driver(
            uri,
            auth=auth,
            max_transaction_retry_time=settings.max_retry_time_s,
            liveness_check_timeout=5.0,  # pooled connections are checked, so a restart heals
            connection_acquisition_timeout=30.0,
            user_agent="c360/0.1",
        )
    except (ConfigurationError, ValueError) as e:
        raise GraphUnavailable(f"NEO4J_URI {uri!r} is not a Neo4j address: {e}") from e
    try:
        await driver.verify_connectivity()
    except AuthError as e:
        await driver.close()
        raise GraphUnavailable(
            f"Neo4j at {uri} refused the credentials (check NEO4J_USER and NEO4J_PASSWORD)"
        ) from e
    except (ServiceUnavailable, OSError) as e:
        await driver.close()
        raise GraphUnavailable(f"cannot connect to Neo4j at {uri} (is it running?)") from e
    return Graph(driver, settings.neo4j_database, settings.query_timeout_s)


@asynccontextmanager
async def graph_session(settings: Settings, *, start_local: bool = True) -> AsyncIterator[Graph]:
    graph = await open_graph(settings, start_local=start_local)
    try:
        yield graph
    finally:
        await graph.close()
