"""The tag event feed of one server process: tails the event log for its subscribers.

One background task per process (started by `server.create_app`) dispatches pending events,
whichever process wrote them, and hands every newly numbered event to each subscriber's
queue, in `seq` order. A subscriber sees the events numbered after it subscribed. The log is
in Neo4j, so an import run from the command line reaches the subscribers of a running server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from core.errors import C360Error
from graph.db import Graph
from graph.rows import TagEventRow
from graph.tags import events as tag_events

log = logging.getLogger("c360.events")

QUEUE_SIZE = 10_000  # a subscriber this far behind is dropped rather than slow everyone down


class SubscriberTooSlow(C360Error):
    code = "SUBSCRIBER_TOO_SLOW"


class TagEventFeed:
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
        self._queues: set[asyncio.Queue[TagEventRow | None]] = set()
        self._last: int | None = None

    async def run(self) -> None:
        """Poll forever (until cancelled); Neo4j being away only delays delivery."""
        while True:
            try:
                caught_up = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("tag event feed: Neo4j unavailable, retrying", exc_info=True)
                caught_up = True
            if caught_up:
                await asyncio.sleep(self.poll_s)

    async def step(self) -> bool:
        """Dispatch, then deliver one batch; True when there was no more to deliver."""
        if self._last is None:
            self._last = await tag_events.last_seq(self.graph)
        await tag_events.dispatch(self.graph)
        events = await tag_events.events_after(self.graph, self._last, self.batch)
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
    async def subscribe(self) -> AsyncIterator[AsyncIterator[TagEventRow]]:
        """Events numbered after now, as they are dispatched."""
        queue: asyncio.Queue[TagEventRow | None] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        self._counted()

        async def events() -> AsyncIterator[TagEventRow]:
            while (event := await queue.get()) is not None:
                yield event
            raise SubscriberTooSlow(f"more than {QUEUE_SIZE} tag events behind; subscribe again")

        try:
            yield events()
        finally:
            self._queues.discard(queue)
            self._counted()
