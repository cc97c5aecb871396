"""The one door to Neo4j: run named Cypher with parameters, count round trips.

`Graph` wraps one `AsyncDriver` (one per process, owned by whoever opened it). Writes are
managed transactions through `execute_query`; a read is one auto-commit statement in a READ
session (no COMMIT round trip). Transient failures of either, including a restart of the local
Neo4j, are retried for `max_retry_time_s` before `GraphUnavailable`.

Inside `Graph.atomically(work)` (how the API runs a mutation), every statement the work runs,
reads included, goes to one explicit write transaction instead: committed when the work
returns, rolled back when it raises, the whole work retried on transient errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncManagedTransaction, AsyncTransaction, Query, RoutingControl
from neo4j.exceptions import (
    DriverError,
    Neo4jError,
)

from core import tracing
from core.errors import GraphUnavailable
from core.settings import Settings
from graph.deadline import bounded, transaction_timeout
from graph.driver_errors import translate, translated
from graph.local.instance import USER, LocalNeo4j
from graph.queries import check_params, query

log = logging.getLogger("c360.cypher")
T = TypeVar("T")
Record = dict[str, Any]


@dataclass
class RoundTrips:
    """How many Cypher transactions ran, and the statements they ran (name, text,
    parameters); tests and benchmarks install one around a request."""

    count: int = 0
    statements: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    keep_statements: bool = True  # False: only count (the server's metrics)


_round_trips: ContextVar[RoundTrips | None] = ContextVar("c360_round_trips", default=None)


@contextmanager
def counting_round_trips(*, keep_statements: bool = True) -> Iterator[RoundTrips]:
    counter = RoundTrips(keep_statements=keep_statements)
    token = _round_trips.set(counter)
    try:
        yield counter
    finally:
        _round_trips.reset(token)


# The explicit transaction of `Graph.atomically`, when the running task is inside one.
_open_tx: ContextVar[AsyncTransaction | None] = ContextVar("c360_open_tx", default=None)


def _retryable(error: BaseException) -> bool:
    """A transient failure (deadlock, leader switch, Neo4j restarting), maybe wrapped."""
    for e in (error, error.__cause__):
        if isinstance(e, (Neo4jError, DriverError)) and e.is_retryable():
            return True
    return False


def _row(record: neo4j.Record) -> Record:
    """A record as a dict of its columns, values as the driver made them. Every statement
    returns maps and values, not nodes (projections `n {.*}`), so nothing needs converting:
    `record.data()` would walk every nested value again (14% of the time of a page of 100
    customers, profiled with py-spy)."""
    return dict(zip(record.keys(), record, strict=True))


def _count() -> None:
    counter = _round_trips.get()
    if counter is not None:
        counter.count += 1


def _record(name: str, text: str, params: dict[str, Any]) -> None:
    log.debug("%s %s", name, params)
    counter = _round_trips.get()
    if counter is not None and counter.keep_statements:
        counter.statements.append((name, text, params))


def _span(name: str) -> contextlib.AbstractContextManager[Any]:
    """A tracing span for one transaction, named by its statement's file (no parameters)."""
    return tracing.span(
        f"cypher {name}", "CLIENT", **{"db.system": "neo4j", "db.operation.name": name}
    )


class Tx:
    """Named Cypher inside one transaction of `Graph.in_transaction`."""

    def __init__(self, tx: AsyncManagedTransaction | AsyncTransaction) -> None:
        self._tx = tx

    async def run(self, name: str, /, **params: Any) -> list[Record]:
        check_params(name, params)
        return await self.run_text(name, query(name), **params)

    async def run_text(self, name: str, text: str, /, **params: Any) -> list[Record]:
        """Cypher built by a compiler (e.g. segments) rather than read from a file."""
        _record(name, text, params)
        result = await self._tx.run(text, params)
        return [_row(record) async for record in result]


class Graph:
    def __init__(
        self, driver: AsyncDriver, database: str, timeout_s: float, retry_s: float = 30.0
    ) -> None:
        self.driver = driver
        self.database = database
        self.timeout_s = timeout_s
        self.retry_s = retry_s

    def _query(self, name: str, text: str, /) -> Query:
        timeout = transaction_timeout(self.timeout_s)
        return Query(text, metadata={"app": "c360", "query": name}, timeout=timeout)

    async def _execute(
        self, name: str, text: str, routing: RoutingControl, /, **params: Any
    ) -> list[Record]:
        _count()
        if (tx := _open_tx.get()) is not None:
            return await Tx(tx).run_text(name, text, **params)
        _record(name, text, params)
        with translated(), _span(name):
            if routing is RoutingControl.READ:
                return await self._retrying(lambda: self._auto_commit_read(name, text, params))
            async with bounded():
                records, _, _ = await self.driver.execute_query(
                    self._query(name, text), params, routing_=routing, database_=self.database
                )
        return [_row(record) for record in records]

    async def _auto_commit_read(self, name: str, text: str, params: dict[str, Any]) -> list[Record]:
        """One read statement as an auto-commit transaction of a READ session: RUN and PULL in
        one round trip, where `execute_query`'s managed transaction adds a COMMIT round trip
        (0.98 -> 0.72 ms for the customer-360 statement, measured). Bookmarks are the ones
        `execute_query`'s writes leave, so a read still sees the writes before it."""
        async with (
            bounded(),
            self.driver.session(
                database=self.database,
                default_access_mode=neo4j.READ_ACCESS,
                bookmark_manager=self.driver.execute_query_bookmark_manager,
            ) as session,
        ):
            result = await session.run(self._query(name, text), params)
            return [_row(record) async for record in result]

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

        timeout = transaction_timeout(self.timeout_s)

        @neo4j.unit_of_work(timeout=timeout, metadata={"app": "c360", "query": "tx"})
        async def managed(tx: AsyncManagedTransaction) -> T:
            return await work(Tx(tx))

        with translated(), _span("tx"):
            async with bounded(), self.driver.session(database=self.database) as session:
                return await session.execute_write(managed)

    async def read_only(
        self,
        name: str,
        work: Callable[[AsyncManagedTransaction], Awaitable[T]],
        *,
        analyst: bool = False,
    ) -> T:
        """`work` in a managed transaction of a READ access-mode session, so Neo4j itself
        refuses anything that writes. `analyst`: the Cypher is an analyst's, and Neo4j
        refusing it is a QueryError (see `graph.driver_errors`)."""
        _count()

        timeout = transaction_timeout(self.timeout_s)

        @neo4j.unit_of_work(timeout=timeout, metadata={"app": "c360", "query": name})
        async def managed(tx: AsyncManagedTransaction) -> T:
            return await work(tx)

        # an analyst's Cypher gets Neo4j's warnings (a misspelt label...); c360's own do not
        notifications = neo4j.NotificationMinimumSeverity.INFORMATION if analyst else None
        with translated(analyst=analyst, timeout_s=self.timeout_s):
            async with (
                bounded(),
                self.driver.session(
                    database=self.database,
                    default_access_mode=neo4j.READ_ACCESS,
                    notifications_min_severity=notifications,
                ) as session,
            ):
                return await session.execute_read(managed)

    async def stream(
        self, name: str, text: str, /, *, batch: int = 1000, **params: Any
    ) -> AsyncIterator[Record]:
        """The rows of one auto-commit query as they arrive, `batch` at a time: any number
        of rows in flat memory (not retried, so only for reads whose reader can start over)."""
        _count()
        _record(name, text, params)
        with translated():
            async with self.driver.session(database=self.database, fetch_size=batch) as session:
                result = await session.run(self._query(name, text), params)
                async for record in result:
                    yield _row(record)

    async def run_committing(self, name: str, text: str, /, **params: Any) -> None:
        """A statement that commits as it goes (`CALL { ... } IN TRANSACTIONS`), in an
        auto-commit transaction of its own, outside any transaction the caller has open (it
        cannot join one). Not retried: the statement must be safe to leave half done."""
        _count()
        _record(name, text, params)
        with translated(), _span(name):
            async with bounded(), self.driver.session(database=self.database) as session:
                result = await session.run(self._query(name, text), params)
                await result.consume()

    async def atomically(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` with every statement it runs in one write transaction: all or nothing.
        Transient failures roll back and run `work` again, for up to `retry_s` seconds."""
        if _open_tx.get() is not None:
            return await work()  # already inside one: join it

        async def once() -> T:
            async with bounded():
                with _span("mutation"):
                    return await self._atomically_once(work)

        return await self._retrying(once)

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """`attempt` again after a transient failure, for up to `retry_s` seconds, as the
        driver's managed transactions do; other failures as `driver_errors.translate` maps them."""
        deadline = time.monotonic() + self.retry_s
        delay = 0.1
        while True:
            try:
                return await attempt()
            except Exception as e:
                if not _retryable(e) or time.monotonic() + delay > deadline:
                    if (mapped := translate(e)) is not None:
                        raise mapped from e
                    raise
                log.info("transaction failed (%s); running it again in %.1f s", e, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _atomically_once(self, work: Callable[[], Awaitable[T]]) -> T:
        async with self.driver.session(database=self.database) as session:
            tx = await session.begin_transaction(
                metadata={"app": "c360", "query": "mutation"},
                timeout=transaction_timeout(self.timeout_s),
            )
            token = _open_tx.set(tx)
            try:
                result = await work()
                await tx.commit()
                return result
            finally:
                _open_tx.reset(token)
                if not tx.closed():  # raised before the commit
                    # on a broken connection there is nothing left to roll back
                    with contextlib.suppress(Neo4jError, DriverError, OSError):
                        await tx.rollback()

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
    with translated(connecting_to=uri):
        driver = neo4j.AsyncGraphDatabase.driver(
            uri,
            auth=auth,
            max_transaction_retry_time=settings.max_retry_time_s,
            liveness_check_timeout=5.0,  # pooled connections are checked, so a restart heals
            connection_acquisition_timeout=30.0,
            user_agent="c360/0.1",
            # Neo4j's notifications (a label or property not in the graph yet, ...) are about
            # c360's fixed statements, which tests EXPLAIN with them on: computing, sending and
            # decoding them on every request cost ~0.1 ms of the customer-360 read (measured).
            # Analysts' Cypher asks for them (`read_only`).
            notifications_min_severity="OFF",
        )
    try:
        with translated(connecting_to=uri):
            await driver.verify_connectivity()
    except GraphUnavailable:
        await driver.close()
        raise
    return Graph(
        driver, settings.neo4j_database, settings.query_timeout_s, settings.max_retry_time_s
    )


@asynccontextmanager
async def graph_session(settings: Settings, *, start_local: bool = True) -> AsyncIterator[Graph]:
    graph = await open_graph(settings, start_local=start_local)
    try:
        yield graph
    finally:
        await graph.close()
