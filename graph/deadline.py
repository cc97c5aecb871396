"""One deadline for all the Cypher of a request (operations.md, "Bounded requests").

The API sets it when a request starts (`within`); `Graph` reads it for every transaction:
Neo4j is told to end the transaction at the deadline (its transaction timeout), and the
driver call is cancelled there too, so a Neo4j that stops answering (silent, not refusing)
cannot hold a request longer. Cancelling the driver mid-call closes its connection, and Neo4j
rolls back the transactions of a closed connection. Code without a deadline (the CLI, the
event feed, the rules) keeps `C360_QUERY_TIMEOUT` per transaction only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar

from core.errors import TimedOut

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("c360_deadline", default=None)


class RequestTimeout(TimedOut):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the request ran longer than {seconds:g} s (C360_REQUEST_TIMEOUT_S) and was "
            "stopped; its transactions were ended in Neo4j"
        )


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """All Cypher run inside this block ends `seconds` from now; an enclosing deadline
    already set (the HTTP layer's) stays the one that counts."""
    if _deadline.get() is not None:
        yield
        return
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the request's deadline (None: no deadline); past it, raises
    RequestTimeout so no new transaction starts."""
    deadline = _deadline.get()
    if deadline is None:
        return None
    left = deadline[0] - time.monotonic()
    if left <= 0:
        raise RequestTimeout(deadline[1])
    return left


def transaction_timeout(default_s: float) -> float:
    """The timeout to give a transaction starting now: the per-transaction limit, or less
    when the request's deadline is nearer."""
    left = remaining()
    return default_s if left is None else min(default_s, left)


@asynccontextmanager
async def bounded() -> AsyncIterator[None]:
    """Cancels the awaited driver call at the deadline (RequestTimeout instead)."""
    deadline = _deadline.get()
    if deadline is None:
        yield
        return
    remaining()  # already past: raise before anything starts
    scope = asyncio.timeout_at(_loop_time(deadline[0]))
    try:
        async with scope:
            yield
    except TimeoutError:
        if scope.expired():
            raise RequestTimeout(deadline[1]) from None
        raise


def _loop_time(monotonic_deadline: float) -> float:
    """A time.monotonic() instant on the event loop's clock."""
    return asyncio.get_running_loop().time() + (monotonic_deadline - time.monotonic())
