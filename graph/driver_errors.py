"""Driver errors as c360 errors: the one place that reads the Neo4j driver's exceptions.

`translate` is called wherever c360 talks to the driver (`graph.db`, the analysts' runner).
It returns the `C360Error` a driver error means for the user, or None when it means a bug in
c360's own Cypher, which is then raised as it is (and masked by the API as an internal error).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from core.errors import C360Error, Conflict, GraphUnavailable, QueryError, TimedOut

ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"
TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"


def one_line(error: Neo4jError) -> str:
    """The first line of Neo4j's message, spaces collapsed (or the code when there is none)."""
    message = error.message or str(error)
    return " ".join(message.splitlines()[0].split()) if message.strip() else str(error.code)


def translate(
    error: Exception,
    *,
    connecting_to: str | None = None,
    analyst: bool = False,
    timeout_s: float | None = None,
) -> C360Error | None:
    """What `error` means to the user, or None.

    `connecting_to`: the URI, when the driver was being opened (messages say where).
    `analyst`: the Cypher is an analyst's (`c360 cypher`), so Neo4j refusing it is the
    analyst's error to fix, not c360's; `timeout_s` is the limit it ran into.
    """
    if isinstance(error, AuthError):
        where = f" at {connecting_to}" if connecting_to else ""
        return GraphUnavailable(
            f"Neo4j{where} refused the credentials (check NEO4J_USER and NEO4J_PASSWORD)"
        )
    if isinstance(error, (ServiceUnavailable, SessionExpired)) or (
        connecting_to and isinstance(error, OSError)
    ):
        if connecting_to:
            return GraphUnavailable(f"cannot connect to Neo4j at {connecting_to} (is it running?)")
        return GraphUnavailable(f"Neo4j is not reachable: {error}")
    if isinstance(error, (ConfigurationError, ValueError)) and connecting_to:
        return GraphUnavailable(f"NEO4J_URI {connecting_to!r} is not a Neo4j address: {error}")
    if isinstance(error, ConstraintError):
        return Conflict(one_line(error))
    if not analyst and isinstance(error, Neo4jError) and (error.code or "").startswith(TIMED_OUT):
        return TimedOut(
            "Neo4j stopped the transaction at its time limit (C360_QUERY_TIMEOUT, or the "
            "request's deadline C360_REQUEST_TIMEOUT_S)"
        )
    if not analyst:
        return None
    if isinstance(error, Neo4jError):
        code = error.code or ""
        if code == ACCESS_MODE:
            reason = f"Neo4j refused to write ({one_line(error)})"
            return QueryError(f"c360 cypher is read-only: {reason}")
        if code.startswith(TIMED_OUT):
            return QueryError(
                f"the query ran longer than {timeout_s:g} s and was stopped "
                "(set C360_QUERY_TIMEOUT to allow longer)"
            )
        return QueryError(one_line(error))
    if isinstance(error, DriverError):
        return GraphUnavailable(f"Neo4j driver error: {error}")
    return None


@contextmanager
def translated(
    *, connecting_to: str | None = None, analyst: bool = False, timeout_s: float | None = None
) -> Iterator[None]:
    """Raise what `translate` makes of an error raised inside; others pass as they are."""
    try:
        yield
    except Exception as e:
        mapped = translate(e, connecting_to=connecting_to, analyst=analyst, timeout_s=timeout_s)
        if mapped is None:
            raise
        raise mapped from e
