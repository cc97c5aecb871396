"""The change log: every change as a numbered event, and the feed that tails it.

Every write that changes a customer's data creates, in the same transaction, a pending event:
`(:TagEvent:PendingTagEvent)` for a tag gained or lost (graph/tags/events.py), and
`(:Change:PendingChange {kind, at, customerId, actor, ...})` for the other kinds
(CUSTOMER_UPSERTED, CUSTOMER_MERGED, CUSTOMER_ERASED, STAGE_CHANGED, TASK_CHANGED,
INTERACTION_RECORDED, TICKET_CHANGED). The dispatcher (`tags.events.dispatch`) numbers both
in one sequence (`seq`) and labels them all `:Change` (a tag event's kind is TAG_ADDED or
TAG_REMOVED): one log in Neo4j, which every replica tails.

One feed per server process (started by `server.create_app`) dispatches pending events,
whichever process wrote them, and hands every newly numbered event to each subscriber's
queue, in `seq` order. A subscriber sees the events numbered after it subscribed; one that
reconnects reads what it missed from the log first (`after`). The log is in Neo4j, so an
import run from the command line reaches the subscribers of a running server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from core.errors import C360Error
from graph.db import Graph
from graph.rows import ChangeRow
from graph.tags import events as tag_events

log = logging.getLogger("c360.events")

QUEUE_SIZE = 10_000  # a subscriber this far behind is dropped rather than slow everyone down


class SubscriberTooSlow(C360Error):
    code = "SUBSCRIBER_TOO_SLOW"


class ChangeFeed:
    def __init__(
        self,
        graph: Graph,
        poll_s: float = 0.5,
        batch: int = 1000,
        on_subscribers: Callable[[int], None] | None = None,
    ) -> None:
        self.graph = graph
        self.poll_s = poll_s
        self.batch = batch
        self.on_subscribers = on_subscribers  # told the number of subscribers when it changes
        self._queues: set[asyncio.Queue[ChangeRow | None]] = set()
        self._last: int | None = None

    async def run(self) -> None:
        """Poll forever (until cancelled); Neo4j being away only delays delivery."""
        while True:
            try:
                caught_up = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("change feed: Neo4j unavailable, retrying", exc_info=True)
                caught_up = True
            if caught_up:
                await asyncio.sleep(self.poll_s)

    async def step(self) -> bool:
        """Dispatch, then deliver one batch; True when there was no more to deliver."""
        if self._last is None:
            self._last = await tag_events.last_seq(self.graph)
        await tag_events.dispatch(self.graph)
        events = await after(self.graph, self._last, self.batch)
        for event in events:
            for queue in list(self._queues):
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:
                    self._queues.discard(queue)
                    self._counted()
                    queue.get_nowait()  # room for the end marker
                    queue.put_nowait(None)
            self._last = int(event["seq"])
        return len(events) < self.batch

    def _counted(self) -> None:
        if self.on_subscribers is not None:
            self.on_subscribers(len(self._queues))

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[AsyncIterator[ChangeRow]]:
        """Events numbered after now, as they are dispatched."""
        queue: asyncio.Queue[ChangeRow | None] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        self._counted()

        async def events() -> AsyncIterator[ChangeRow]:
            while (event := await queue.get()) is not None:
                yield event
            raise SubscriberTooSlow(f"more than {QUEUE_SIZE} events behind; subscribe again")

        try:
            yield events()
        finally:
            self._queues.discard(queue)
            self._counted()


async def after(graph: Graph, seq: int, limit: int = 1000) -> list[ChangeRow]:
    """Numbered events after `seq`, in order, at most `limit`."""
    return [row["event"] for row in await graph.read("changes/after", after=seq, limit=limit)]
